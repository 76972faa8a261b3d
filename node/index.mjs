// ESM entry point: the same objects as the CommonJS one (one addon, one set of classes).
import hooksig from './index.js'

export const {
  Verifier,
  Signer,
  HooksigError,
  VerificationError,
  ConfigurationError,
  Reply,
  MemoryReplayStore,
  RedisReplayStore,
  ReplayStoreError,
  VERIFICATION_CODES,
  CONFIGURATION_CODES,
  presets,
  presetScheme,
} = hooksig
export default hooksig
