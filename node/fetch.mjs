import m from './fetch.js'

export const { verifyRequest, webhookHandler } = m
export default m
