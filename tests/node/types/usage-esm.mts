// The ESM entry points type-check too (compiled with tsc --strict by tests/node/types.test.js).
import hooksig, { Verifier, VerificationError } from 'hooksig'
import { webhook } from 'hooksig/express'
import { verifyRequest } from 'hooksig/fetch'

const v: Verifier = new hooksig.Verifier('github', { secret: 's' })
const valid: boolean = new Verifier('github', { secret: 's' }).isValid('x', {})
const isError: boolean = new Error() instanceof VerificationError
console.log(v, valid, isError, webhook, verifyRequest)
