<?php

declare(strict_types=1);

namespace Hooksig;

/**
 * The verifier or signer cannot be built from what was given (unknown_preset,
 * invalid_scheme, invalid_secret, missing_param, invalid_key), or verify lacks the URL or
 * method its scheme signs (missing_param): a programming or deployment error.
 */
final class ConfigurationError extends HooksigError
{
}
