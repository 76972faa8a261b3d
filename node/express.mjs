import m from './express.js'

export const { webhook, captureRawBody } = m
export default m
