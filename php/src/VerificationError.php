<?php

declare(strict_types=1);

namespace Hooksig;

/**
 * The request does not verify: reject it (Webhook::fromGlobals answers 403
 * {"error": code}). $errorCode: missing_header, invalid_header, timestamp_too_old,
 * timestamp_in_future, signature_mismatch, or a verification code of a newer library.
 */
final class VerificationError extends HooksigError
{
}
