/* The C ABI from C: built with gcc -Wall -Wextra -Werror against include/hooksig.h,
 * run by `make test-c`, and again under valgrind (0 errors, 0 leaks). */

#include "hooksig.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    checks++;                                                                    \
    if (!(cond)) {                                                               \
      failures++;                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
    }                                                                            \
  } while (0)

#define CHECK_CODE(got, want)                                                    \
  do {                                                                           \
    hooksig_code got_ = (got);                                                   \
    checks++;                                                                    \
    if (got_ != (want)) {                                                        \
      failures++;                                                                \
      fprintf(stderr, "%s:%d: got %s, expected %s\n", __FILE__, __LINE__,       \
              hooksig_code_name(got_), hooksig_code_name(want));                 \
    }                                                                            \
  } while (0)

static hooksig_header header(const char *name, const char *value) {
  hooksig_header h = {(const uint8_t *)name, strlen(name), (const uint8_t *)value,
                      strlen(value)};
  return h;
}

/* GitHub's documented example (docs.github.com, "Validating webhook deliveries"). */
static const char *GITHUB_SECRET = "It's a Secret to Everybody";
static const char *GITHUB_BODY = "Hello, World!";
static const char *GITHUB_SIG =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

static hooksig_verifier *github_verifier(void) {
  hooksig_bytes secrets[] = {HOOKSIG_STR(GITHUB_SECRET)};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"github";
  config.preset_len = 6;
  config.secrets = secrets;
  config.secrets_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(v != NULL);
  return v;
}

static void test_github(void) {
  hooksig_verifier *v = github_verifier();
  const uint8_t *body = (const uint8_t *)GITHUB_BODY;
  size_t len = strlen(GITHUB_BODY);
  hooksig_header headers[] = {header("Content-Type", "application/json"),
                              header("x-HUB-signature-256", GITHUB_SIG)};
  hooksig_verified out;
  memset(&out, 0xff, sizeof out);
  char *message = NULL;

  CHECK_CODE(hooksig_verify(v, body, len, headers, 2, NULL, &out, &message), HOOKSIG_OK);
  CHECK(message == NULL);
  CHECK(out.secret_index == 0);
  CHECK(!out.has_timestamp);
  CHECK(out.id == NULL && out.id_len == 0);

  /* A tampered body: a code and a detailed message that names no signature. */
  CHECK_CODE(hooksig_verify(v, body, len - 1, headers, 2, NULL, &out, &message),
             HOOKSIG_SIGNATURE_MISMATCH);
  CHECK(message != NULL && strstr(message, "raw request bytes") != NULL);
  CHECK(message != NULL && strstr(message, "757107ea") == NULL);
  hooksig_string_free(message);

  /* The signature header missing. */
  CHECK_CODE(hooksig_verify(v, body, len, headers, 1, NULL, NULL, &message),
             HOOKSIG_MISSING_HEADER);
  CHECK(message != NULL && strstr(message, "X-Hub-Signature-256") != NULL);
  hooksig_string_free(message);

  /* No headers at all, and a NULL body of length 0 (the empty body). */
  CHECK_CODE(hooksig_verify(v, NULL, 0, NULL, 0, NULL, NULL, NULL), HOOKSIG_MISSING_HEADER);

  /* A duplicate signature header is the core's rule, reported through the ABI. */
  hooksig_header dup[] = {header("X-Hub-Signature-256", GITHUB_SIG),
                          header("X-Hub-Signature-256", GITHUB_SIG)};
  CHECK_CODE(hooksig_verify(v, body, len, dup, 2, NULL, NULL, NULL), HOOKSIG_INVALID_HEADER);

  /* A context with only a time: GitHub signs no timestamp, so the time changes nothing. */
  hooksig_context at = {0};
  at.now = 1;
  at.has_now = true;
  CHECK_CODE(hooksig_verify(v, body, len, headers, 2, &at, &out, NULL), HOOKSIG_OK);
  /* A URL and a method that the scheme does not sign are ignored. */
  at.url = HOOKSIG_STR("https://example.com/hook");
  at.method = HOOKSIG_STR("POST");
  CHECK_CODE(hooksig_verify(v, body, len, headers, 2, &at, &out, NULL), HOOKSIG_OK);
  /* A NULL url pointer with a length is a misuse. */
  at.url.ptr = NULL;
  CHECK_CODE(hooksig_verify(v, body, len, headers, 2, &at, &out, &message),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(message != NULL && strstr(message, "context.url") != NULL);
  hooksig_string_free(message);

  /* The packed form agrees. */
  uint8_t packed[256];
  size_t n = 0;
  const char *pairs[2][2] = {{"accept", "*/*"}, {"X-Hub-Signature-256", GITHUB_SIG}};
  for (int i = 0; i < 2; i++) {
    for (int j = 0; j < 2; j++) {
      uint32_t l = (uint32_t)strlen(pairs[i][j]);
      for (int b = 0; b < 4; b++) packed[n++] = (uint8_t)(l >> (8 * b));
      memcpy(packed + n, pairs[i][j], l);
      n += l;
    }
  }
  CHECK_CODE(hooksig_verify_packed(v, body, len, packed, n, NULL, &out, NULL), HOOKSIG_OK);
  CHECK_CODE(hooksig_verify_packed(v, body, len, packed, n - 1, NULL, &out, &message),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(message != NULL && strstr(message, "truncated") != NULL);
  hooksig_string_free(message);

  hooksig_verifier_free(v);
}

static void test_null_safety(void) {
  hooksig_verifier *v = github_verifier();
  char *message = NULL;
  hooksig_header headers[] = {header("X-Hub-Signature-256", GITHUB_SIG)};
  hooksig_header null_value = {(const uint8_t *)"x", 1, NULL, 5};

  CHECK_CODE(hooksig_verify(NULL, NULL, 0, NULL, 0, NULL, NULL, &message),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(message != NULL && strstr(message, "verifier") != NULL);
  hooksig_string_free(message);
  CHECK_CODE(hooksig_verify(v, NULL, 3, headers, 1, NULL, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verify(v, NULL, 0, NULL, 1, NULL, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verify(v, NULL, 0, &null_value, 1, NULL, NULL, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verify_packed(v, NULL, 0, NULL, 9, NULL, NULL, NULL),
             HOOKSIG_INVALID_ARGUMENT);

  CHECK_CODE(hooksig_verifier_new(NULL, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
  hooksig_config config = {0};
  hooksig_verifier *out = (hooksig_verifier *)&config; /* must be reset to NULL */
  CHECK_CODE(hooksig_verifier_new(&config, &out, &message), HOOKSIG_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK(message != NULL && strstr(message, "preset") != NULL);
  hooksig_string_free(message);
  config.preset = (const uint8_t *)"github";
  config.preset_len = 6;
  CHECK_CODE(hooksig_verifier_new(&config, NULL, NULL), HOOKSIG_INVALID_SECRET);
  config.secrets_len = 2; /* NULL array with a length */
  CHECK_CODE(hooksig_verifier_new(&config, &out, NULL), HOOKSIG_INVALID_ARGUMENT);
  config.secrets_len = 0;
  config.tolerance_mode = 7;
  hooksig_bytes secret = HOOKSIG_STR("s");
  config.secrets = &secret;
  config.secrets_len = 1;
  CHECK_CODE(hooksig_verifier_new(&config, &out, NULL), HOOKSIG_INVALID_ARGUMENT);
  config.tolerance_mode = HOOKSIG_TOLERANCE_DEFAULT;
  CHECK_CODE(hooksig_verifier_new(&config, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);

  CHECK_CODE(hooksig_sign(NULL, NULL, 0, NULL, 0, NULL, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
  /* A private key pointer of NULL with a length. */
  config.private_key.len = 3;
  CHECK_CODE(hooksig_verifier_new(&config, &out, NULL), HOOKSIG_INVALID_ARGUMENT);
  config.private_key.len = 0;
  config.public_keys_len = 1; /* NULL array with a length */
  CHECK_CODE(hooksig_verifier_new(&config, &out, NULL), HOOKSIG_INVALID_ARGUMENT);
  config.public_keys_len = 0;
  CHECK(hooksig_signed_len(NULL) == 0);
  hooksig_header h;
  CHECK_CODE(hooksig_signed_get(NULL, 0, &h), HOOKSIG_INVALID_ARGUMENT);

  /* Every free function accepts NULL. */
  hooksig_verifier_free(NULL);
  hooksig_signer_free(NULL);
  hooksig_signed_free(NULL);
  hooksig_string_free(NULL);
  hooksig_verifier_free(v);
}

static void test_configuration_errors(void) {
  char *message = NULL;
  hooksig_verifier *v = NULL;
  hooksig_bytes secrets[] = {HOOKSIG_STR("secret")};
  hooksig_config config = {0};
  config.secrets = secrets;
  config.secrets_len = 1;

  /* A preset name with a NUL and a non-UTF-8 byte: unknown, and the message is a C string. */
  config.preset = (const uint8_t *)"git\0hub\xff";
  config.preset_len = 8;
  CHECK_CODE(hooksig_verifier_new(&config, &v, &message), HOOKSIG_UNKNOWN_PRESET);
  CHECK(message != NULL && strstr(message, "unknown preset") != NULL);
  hooksig_string_free(message);

  config.preset = NULL;
  const char *bad_json = "{\"signature_header\": ";
  config.scheme_json = (const uint8_t *)bad_json;
  config.scheme_json_len = strlen(bad_json);
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_INVALID_SCHEME);
  config.scheme_json = (const uint8_t *)"\xff\xfe";
  config.scheme_json_len = 2;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_INVALID_SCHEME);

  const char *needs_param = "{\"signature_header\": \"x-sig\", \"message\": \"{shop}.{body}\"}";
  config.scheme_json = (const uint8_t *)needs_param;
  config.scheme_json_len = strlen(needs_param);
  CHECK_CODE(hooksig_verifier_new(&config, &v, &message), HOOKSIG_MISSING_PARAM);
  CHECK(message != NULL && strstr(message, "shop") != NULL);
  hooksig_string_free(message);

  hooksig_header params[] = {header("shop", "acme")};
  config.params = params;
  config.params_len = 1;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  hooksig_verifier_free(v);
  v = NULL;

  hooksig_header bad_param = {(const uint8_t *)"shop", 4, (const uint8_t *)"\xc3", 1};
  config.params = &bad_param;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_INVALID_ARGUMENT);
  CHECK(v == NULL);

  /* An empty secret, and a secret that is not the scheme's base64. */
  config.preset = (const uint8_t *)"svix";
  config.preset_len = 4;
  config.scheme_json = NULL;
  config.params = NULL;
  config.params_len = 0;
  hooksig_bytes empty = {NULL, 0};
  config.secrets = &empty;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_INVALID_SECRET);
  hooksig_bytes not_base64 = HOOKSIG_STR("whsec_!!!");
  config.secrets = &not_base64;
  CHECK_CODE(hooksig_verifier_new(&config, &v, &message), HOOKSIG_INVALID_SECRET);
  CHECK(message != NULL && strstr(message, "!!!") == NULL);
  hooksig_string_free(message);
}

/* Sign with a signer, verify with a verifier: timestamps, ids, windows and rotation. */
static void test_sign_and_verify(void) {
  const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  hooksig_bytes secrets[] = {HOOKSIG_STR("whsec_b2xkLW9sZC1vbGQtc2VjcmV0"), HOOKSIG_STR(secret)};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"standard-webhooks";
  config.preset_len = strlen("standard-webhooks");
  config.secrets = secrets + 1; /* sign with the current secret */
  config.secrets_len = 1;
  hooksig_signer *signer = NULL;
  CHECK_CODE(hooksig_signer_new(&config, &signer, NULL), HOOKSIG_OK);

  const uint8_t body[] = {'{', 0x00, 0xff, 0xfe, '}'}; /* not UTF-8, with a NUL */
  uint64_t ts = 1700000000;
  hooksig_context at_ts = {0};
  at_ts.now = ts;
  at_ts.has_now = true;
  const char *id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  hooksig_signed *signed_headers = NULL;
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, (const uint8_t *)id, strlen(id), &at_ts,
                          &signed_headers, NULL),
             HOOKSIG_OK);
  size_t count = hooksig_signed_len(signed_headers);
  CHECK(count == 3);
  hooksig_header headers[3];
  for (size_t i = 0; i < count && i < 3; i++) {
    CHECK_CODE(hooksig_signed_get(signed_headers, i, &headers[i]), HOOKSIG_OK);
    CHECK(headers[i].name[headers[i].name_len] == '\0');
  }
  hooksig_header past_end;
  CHECK_CODE(hooksig_signed_get(signed_headers, 3, &past_end), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_signed_get(signed_headers, 0, NULL), HOOKSIG_INVALID_ARGUMENT);

  /* The verifier accepts the old and the new secret; the new one is index 1. */
  config.secrets = secrets;
  config.secrets_len = 2;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  hooksig_verified out;
  hooksig_context now = {0};
  now.has_now = true;
  now.now = ts + 10;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, &out, NULL), HOOKSIG_OK);
  CHECK(out.secret_index == 1);
  CHECK(out.has_timestamp && out.timestamp == ts);
  CHECK(out.id_len == strlen(id) && memcmp(out.id, id, out.id_len) == 0);

  /* The window: 300 s by default, inclusive. */
  now.now = ts + 300;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL), HOOKSIG_OK);
  now.now = ts + 301;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL),
             HOOKSIG_TIMESTAMP_TOO_OLD);
  now.now = ts - 301;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL),
             HOOKSIG_TIMESTAMP_IN_FUTURE);
  /* The system clock is years past this timestamp. */
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, NULL, NULL, NULL),
             HOOKSIG_TIMESTAMP_TOO_OLD);
  hooksig_verifier_free(v);

  /* No window, and a window of N seconds. */
  config.tolerance_mode = HOOKSIG_TOLERANCE_NONE;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, NULL, NULL, NULL), HOOKSIG_OK);
  hooksig_verifier_free(v);
  config.tolerance_mode = HOOKSIG_TOLERANCE_SECONDS;
  config.tolerance_seconds = 5;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  now.now = ts + 5;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL), HOOKSIG_OK);
  now.now = ts + 6;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL),
             HOOKSIG_TIMESTAMP_TOO_OLD);
  hooksig_verifier_free(v);

  /* Only the old secret: no match. */
  config.secrets_len = 1;
  config.tolerance_mode = HOOKSIG_TOLERANCE_NONE;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, NULL, NULL, NULL),
             HOOKSIG_SIGNATURE_MISMATCH);
  hooksig_verifier_free(v);

  /* A bad id is the core's invalid_header; a non-UTF-8 id is an argument error. */
  hooksig_signed *bad = NULL;
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, (const uint8_t *)"a\nb", 3, &at_ts, &bad, NULL),
             HOOKSIG_INVALID_HEADER);
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, (const uint8_t *)"\xff", 1, &at_ts, &bad, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(bad == NULL);
  /* Default timestamp and a random id. */
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, NULL, 0, NULL, &bad, NULL), HOOKSIG_OK);
  CHECK(hooksig_signed_len(bad) == 3);
  hooksig_signed_free(bad);

  hooksig_signed_free(signed_headers);
  hooksig_signer_free(signer);
}

/* The names of the headers a verifier reads: what a binding may filter on. */
static void test_header_names(void) {
  hooksig_bytes secrets[] = {HOOKSIG_STR("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"standard-webhooks";
  config.preset_len = strlen("standard-webhooks");
  config.secrets = secrets;
  config.secrets_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  /* Sized first, then read; a smaller array gets the first names and the full count. */
  CHECK(hooksig_verifier_header_names(v, NULL, 0) == 3);
  hooksig_bytes names[4];
  memset(names, 0, sizeof names);
  CHECK(hooksig_verifier_header_names(v, names, 4) == 3);
  const char *want[] = {"webhook-signature", "webhook-timestamp", "webhook-id"};
  for (size_t i = 0; i < 3; i++) {
    CHECK(names[i].len == strlen(want[i]) &&
          strncasecmp((const char *)names[i].ptr, want[i], names[i].len) == 0);
  }
  CHECK(names[3].ptr == NULL);
  hooksig_bytes first = {NULL, 0};
  CHECK(hooksig_verifier_header_names(v, &first, 1) == 3);
  CHECK(first.ptr == names[0].ptr && first.len == names[0].len);
  CHECK(hooksig_verifier_header_names(NULL, names, 4) == 0);
  CHECK(hooksig_verifier_needs(v) == 0);
  CHECK(hooksig_verifier_needs(NULL) == 0);
  hooksig_verifier_free(v);

  /* Svix also reads the unbranded spellings: six names. */
  config.preset = (const uint8_t *)"svix";
  config.preset_len = 4;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_header_names(v, NULL, 0) == 6);
  hooksig_verifier_free(v);

  /* Stripe's timestamp is a field of its one header. */
  config.preset = (const uint8_t *)"stripe";
  config.preset_len = 6;
  config.secrets = (hooksig_bytes[]){HOOKSIG_STR("whsec_test_secret")};
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_header_names(v, NULL, 0) == 1);
  hooksig_verifier_free(v);

  /* HubSpot v3 signs the method and the URL; Square the URL. */
  config.preset = (const uint8_t *)"hubspot";
  config.preset_len = 7;
  config.secrets = (hooksig_bytes[]){HOOKSIG_STR("secret")};
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_needs(v) == (HOOKSIG_NEEDS_URL | HOOKSIG_NEEDS_METHOD));
  hooksig_verifier_free(v);
  config.preset = (const uint8_t *)"square";
  config.preset_len = 6;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_needs(v) == HOOKSIG_NEEDS_URL);
  hooksig_verifier_free(v);
}

/* Discord: Ed25519 with the provider's public key (RFC 8032 section 7.1 TEST 1 key pair),
 * signed with the private key and verified with the public one; tests/vectors/published.json
 * holds the same PING. */
static const char *ED25519_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char *ED25519_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *DISCORD_SIG =
    "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228"
    "ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";

static void test_public_key(void) {
  const char *body = "{\"type\":1}";
  hooksig_bytes keys[] = {HOOKSIG_STR(ED25519_PUBLIC)};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"discord";
  config.preset_len = 7;
  config.public_keys = keys;
  config.public_keys_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  hooksig_header headers[] = {header("X-Signature-Ed25519", DISCORD_SIG),
                              header("X-Signature-Timestamp", "1700000000")};
  hooksig_context at = {0};
  at.now = 1700000000;
  at.has_now = true;
  hooksig_verified out;
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), headers, 2, &at, &out, NULL),
             HOOKSIG_OK);
  CHECK(out.secret_index == 0 && out.has_timestamp && out.timestamp == 1700000000);
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body) - 1, headers, 2, &at, &out,
                            NULL),
             HOOKSIG_SIGNATURE_MISMATCH);

  /* The signer takes the private key (a hex seed) and produces the same signature. */
  config.public_keys = NULL;
  config.public_keys_len = 0;
  config.private_key = HOOKSIG_STR(ED25519_SEED);
  hooksig_signer *signer = NULL;
  CHECK_CODE(hooksig_signer_new(&config, &signer, NULL), HOOKSIG_OK);
  hooksig_signed *signed_headers = NULL;
  CHECK_CODE(hooksig_sign(signer, (const uint8_t *)body, strlen(body), NULL, 0, &at,
                          &signed_headers, NULL),
             HOOKSIG_OK);
  int found = 0;
  for (size_t i = 0; i < hooksig_signed_len(signed_headers); i++) {
    hooksig_header h;
    CHECK_CODE(hooksig_signed_get(signed_headers, i, &h), HOOKSIG_OK);
    if (strcasecmp((const char *)h.name, "X-Signature-Ed25519") == 0) {
      found = 1;
      CHECK(strcmp((const char *)h.value, DISCORD_SIG) == 0);
    }
  }
  CHECK(found);
  hooksig_signed_free(signed_headers);
  hooksig_signer_free(signer);
  hooksig_verifier_free(v);

  /* invalid_key: a key of the wrong length, a secret given as a public key, and a
   * verifier of a public-key scheme with no key at all; the message names no key. */
  char *message = NULL;
  config.private_key.ptr = NULL;
  config.private_key.len = 0;
  hooksig_bytes short_key = HOOKSIG_STR("d75a980182b10ab7");
  config.public_keys = &short_key;
  config.public_keys_len = 1;
  v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, &message), HOOKSIG_INVALID_KEY);
  CHECK(v == NULL);
  CHECK(message != NULL && strstr(message, "d75a980182b10ab7") == NULL);
  hooksig_string_free(message);
  hooksig_bytes secret_as_key = HOOKSIG_STR("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  config.public_keys = &secret_as_key;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_INVALID_KEY);
  /* A public key passed as a secret: invalid_secret, saying so. */
  config.public_keys = NULL;
  config.public_keys_len = 0;
  hooksig_bytes whpk = HOOKSIG_STR("whpk_11pIAYKyCrfVS/7TyWQHOg7hcvPaZrKeScmhUg+HtO1Q==");
  config.preset = (const uint8_t *)"standard-webhooks";
  config.preset_len = strlen("standard-webhooks");
  config.secrets = &whpk;
  config.secrets_len = 1;
  CHECK_CODE(hooksig_verifier_new(&config, &v, &message), HOOKSIG_INVALID_SECRET);
  CHECK(message != NULL && strstr(message, "public_key") != NULL);
  hooksig_string_free(message);
  CHECK(hooksig_code_kind(HOOKSIG_INVALID_KEY) == HOOKSIG_KIND_CONFIGURATION);
}

/* Square signs the notification URL, then the body (its SDK's test, "unescaped chars"):
 * the URL goes in the context; without it verify is missing_param, a programming error. */
static void test_url_signed(void) {
  const char *body = "{\"data\":{\"type\":\"webhooks\",\"id\":\"fake_id\"}}";
  const char *sig = "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=";
  hooksig_bytes secrets[] = {HOOKSIG_STR("signature-key")};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"square";
  config.preset_len = 6;
  config.secrets = secrets;
  config.secrets_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  hooksig_header headers[] = {header("x-square-hmacsha256-signature", sig)};
  hooksig_context request = {0};
  request.url = HOOKSIG_STR("https://webhook.site/webhooks");
  request.method = HOOKSIG_STR("POST");
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), headers, 1, &request, NULL,
                            NULL),
             HOOKSIG_OK);
  /* Another URL (the server's own, behind a proxy): no match. */
  request.url = HOOKSIG_STR("http://127.0.0.1:8000/webhooks");
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), headers, 1, &request, NULL,
                            NULL),
             HOOKSIG_SIGNATURE_MISMATCH);
  /* No URL: missing_param naming it, with a NULL context and with an empty one. */
  char *message = NULL;
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), headers, 1, NULL, NULL,
                            &message),
             HOOKSIG_MISSING_PARAM);
  CHECK(message != NULL && strstr(message, "url") != NULL);
  hooksig_string_free(message);
  hooksig_context empty = {0};
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), headers, 1, &empty, NULL,
                            NULL),
             HOOKSIG_MISSING_PARAM);
  CHECK(hooksig_code_kind(HOOKSIG_MISSING_PARAM) == HOOKSIG_KIND_CONFIGURATION);

  /* The signer needs the URL too, and then signs what the SDK expects. */
  hooksig_signer *signer = NULL;
  CHECK_CODE(hooksig_signer_new(&config, &signer, NULL), HOOKSIG_OK);
  hooksig_signed *signed_headers = NULL;
  CHECK_CODE(hooksig_sign(signer, (const uint8_t *)body, strlen(body), NULL, 0, NULL,
                          &signed_headers, NULL),
             HOOKSIG_MISSING_PARAM);
  CHECK(signed_headers == NULL);
  request.url = HOOKSIG_STR("https://webhook.site/webhooks");
  CHECK_CODE(hooksig_sign(signer, (const uint8_t *)body, strlen(body), NULL, 0, &request,
                          &signed_headers, NULL),
             HOOKSIG_OK);
  hooksig_header h;
  CHECK(hooksig_signed_len(signed_headers) == 1);
  CHECK_CODE(hooksig_signed_get(signed_headers, 0, &h), HOOKSIG_OK);
  CHECK(strcmp((const char *)h.value, sig) == 0);
  hooksig_signed_free(signed_headers);
  hooksig_signer_free(signer);
  hooksig_verifier_free(v);
}

/* Handshakes (tests/vectors/handshakes.json): Slack's signed url_verification, Dropbox's GET,
 * Asana's handed-over secret; any other request gets no reply. */
static hooksig_verifier *preset_verifier(const char *preset, const char *secret) {
  hooksig_bytes secrets[] = {HOOKSIG_STR(secret)};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)preset;
  config.preset_len = strlen(preset);
  config.secrets = secrets;
  config.secrets_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  return v;
}

static void test_handshakes(void) {
  hooksig_verifier *slack = preset_verifier("slack", "8f742231b10e8888abcd99yyyzzz85a5");
  CHECK(hooksig_verifier_needs(slack) & HOOKSIG_NEEDS_HANDSHAKE);
  const char *body =
      "{\"token\":\"Jhj5dZrVaK7ZwHHjRyZWjbDl\",\"challenge\":"
      "\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}";
  hooksig_header headers[] = {
      header("X-Slack-Request-Timestamp", "1700000000"),
      header("X-Slack-Signature", "v0=76c303eba32e8ec5639c84f822b2c64cdb1ea7e94fdd6d7b0b958d8e40c0959f"),
      header("Content-Type", "application/json")};
  hooksig_context request = {0};
  request.now = 1700000000;
  request.has_now = true;
  request.url = HOOKSIG_STR("https://example.com/slack/events");
  request.method = HOOKSIG_STR("POST");
  hooksig_reply *reply = NULL;
  CHECK_CODE(hooksig_handshake(slack, (const uint8_t *)body, strlen(body), headers, 3, &request,
                               &reply, NULL),
             HOOKSIG_OK);
  CHECK(reply != NULL);
  if (reply) {
    const char *want = "{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}";
    CHECK(reply->status == 200);
    CHECK(strcmp(reply->content_type, "application/json") == 0);
    CHECK(reply->headers_len == 0 && reply->secret.ptr == NULL);
    CHECK(reply->body.len == strlen(want) && memcmp(reply->body.ptr, want, reply->body.len) == 0);
  }
  hooksig_reply_free(reply);
  /* Outside the replay window: verify's code, and no reply. */
  request.now = 1700000400;
  reply = (hooksig_reply *)&request;
  CHECK_CODE(hooksig_handshake(slack, (const uint8_t *)body, strlen(body), headers, 3, &request,
                               &reply, NULL),
             HOOKSIG_TIMESTAMP_TOO_OLD);
  CHECK(reply == NULL);
  /* An event: not a handshake, no reply. */
  const char *event = "{\"type\":\"event_callback\"}";
  CHECK_CODE(hooksig_handshake(slack, (const uint8_t *)event, strlen(event), headers, 3, &request,
                               &reply, NULL),
             HOOKSIG_OK);
  CHECK(reply == NULL);
  CHECK_CODE(hooksig_handshake(slack, NULL, 0, NULL, 0, NULL, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
  hooksig_verifier_free(slack);

  /* Dropbox's GET, with the headers packed. */
  hooksig_verifier *dropbox = preset_verifier("dropbox", "app-secret");
  hooksig_context get = {0};
  get.url = HOOKSIG_STR("https://example.com/dropbox?challenge=abc123XYZ");
  get.method = HOOKSIG_STR("GET");
  CHECK_CODE(hooksig_handshake_packed(dropbox, NULL, 0, NULL, 0, &get, &reply, NULL), HOOKSIG_OK);
  CHECK(reply != NULL);
  if (reply) {
    CHECK(reply->status == 200 && reply->body.len == 9 && memcmp(reply->body.ptr, "abc123XYZ", 9) == 0);
    CHECK(reply->headers_len == 1 &&
          strcmp((const char *)reply->headers[0].name, "X-Content-Type-Options") == 0 &&
          strcmp((const char *)reply->headers[0].value, "nosniff") == 0);
  }
  hooksig_reply_free(reply);
  hooksig_verifier_free(dropbox);

  /* Asana hands over its secret: the app stores it, then answers. */
  hooksig_verifier *asana = preset_verifier("asana", "not-yet-known");
  const char *secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
  hooksig_header hook[] = {header("X-Hook-Secret", secret)};
  CHECK_CODE(hooksig_handshake(asana, NULL, 0, hook, 1, NULL, &reply, NULL), HOOKSIG_OK);
  CHECK(reply != NULL);
  if (reply) {
    CHECK(reply->secret.len == strlen(secret) && memcmp(reply->secret.ptr, secret, reply->secret.len) == 0);
  }
  hooksig_reply_free(reply);
  hooksig_reply_free(NULL);
  hooksig_verifier_free(asana);
}

/* Verifies with hooksig_verify_keyed and checks the replay key and TTL. */
static void check_key(const hooksig_verifier *v, const char *body, size_t body_len,
                      const hooksig_header *headers, size_t count, const hooksig_context *at,
                      const char *want_key, uint64_t want_ttl) {
  uint8_t key[512];
  size_t key_len = 12345;
  hooksig_verified out;
  char *message = NULL;
  CHECK_CODE(hooksig_verify_keyed(v, (const uint8_t *)body, body_len, headers, count, at, &out,
                                  key, sizeof key, &key_len, &message),
             HOOKSIG_OK);
  CHECK(message == NULL);
  CHECK(key_len == strlen(want_key) && memcmp(key, want_key, key_len) == 0);
  if (key_len != strlen(want_key) || memcmp(key, want_key, key_len) != 0) {
    fprintf(stderr, "  key %.*s, expected %s\n", (int)(key_len < sizeof key ? key_len : 0), key,
            want_key);
  }
  CHECK(hooksig_verifier_replay_ttl(v) == want_ttl);
}

/* The replay key of each kind of scheme, the namespace and TTL options, a key buffer that is
 * too small, and the packed form. */
static void test_replay_keys(void) {
  /* GitHub signs no id: the key is the matched signature; no window: 24 hours. */
  hooksig_verifier *github = github_verifier();
  hooksig_header gh[] = {header("Content-Type", "application/json"),
                         header("X-Hub-Signature-256", GITHUB_SIG)};
  const char *gh_key = "github:sig:757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  check_key(github, GITHUB_BODY, strlen(GITHUB_BODY), gh, 2, NULL, gh_key, 86400);
  size_t ns_len = 0;
  const uint8_t *ns = hooksig_verifier_namespace(github, &ns_len);
  CHECK(ns_len == 6 && memcmp(ns, "github", 6) == 0);
  CHECK(hooksig_verifier_namespace(NULL, &ns_len) == NULL && ns_len == 0);
  CHECK(hooksig_verifier_replay_ttl(NULL) == 0);

  /* A buffer too small: HOOKSIG_INVALID_ARGUMENT, the length needed, nothing written. */
  uint8_t small[16];
  memset(small, 0xab, sizeof small);
  hooksig_verified out;
  memset(&out, 0xcd, sizeof out);
  size_t key_len = 0;
  char *message = NULL;
  CHECK_CODE(hooksig_verify_keyed(github, (const uint8_t *)GITHUB_BODY, strlen(GITHUB_BODY), gh, 2,
                                  NULL, &out, small, sizeof small, &key_len, &message),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(key_len == strlen(gh_key));
  CHECK(message != NULL && strstr(message, "key_capacity") != NULL);
  hooksig_string_free(message);
  CHECK(small[0] == 0xab && small[15] == 0xab);
  CHECK(out.secret_index == (size_t)0xcdcdcdcdcdcdcdcdULL);
  /* No buffer at all: the same, which sizes one. */
  CHECK_CODE(hooksig_verify_keyed(github, (const uint8_t *)GITHUB_BODY, strlen(GITHUB_BODY), gh, 2,
                                  NULL, NULL, NULL, 0, &key_len, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(key_len == strlen(gh_key));
  /* A request that does not verify: its code, no key. */
  uint8_t key[256];
  CHECK_CODE(hooksig_verify_keyed(github, (const uint8_t *)GITHUB_BODY, 3, gh, 2, NULL, NULL, key,
                                  sizeof key, &key_len, NULL),
             HOOKSIG_SIGNATURE_MISMATCH);
  CHECK(key_len == 0);
  /* Misuse: no key_len, or a NULL key with a capacity. */
  CHECK_CODE(hooksig_verify_keyed(github, (const uint8_t *)GITHUB_BODY, strlen(GITHUB_BODY), gh, 2,
                                  NULL, NULL, key, sizeof key, NULL, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verify_keyed(github, (const uint8_t *)GITHUB_BODY, strlen(GITHUB_BODY), gh, 2,
                                  NULL, NULL, NULL, 8, &key_len, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verify_keyed(NULL, NULL, 0, NULL, 0, NULL, NULL, key, sizeof key, &key_len,
                                  NULL),
             HOOKSIG_INVALID_ARGUMENT);
  /* The packed form gives the same key. */
  const char *sig_name = "x-hub-signature-256";
  uint8_t packed[256];
  size_t at = 0;
  uint32_t n = (uint32_t)strlen(sig_name);
  memcpy(packed + at, &n, 4); /* little-endian on the machines the test runs on */
  at += 4;
  memcpy(packed + at, sig_name, n);
  at += n;
  n = (uint32_t)strlen(GITHUB_SIG);
  memcpy(packed + at, &n, 4);
  at += 4;
  memcpy(packed + at, GITHUB_SIG, n);
  at += n;
  CHECK_CODE(hooksig_verify_keyed_packed(github, (const uint8_t *)GITHUB_BODY, strlen(GITHUB_BODY),
                                         packed, at, NULL, &out, key, sizeof key, &key_len, NULL),
             HOOKSIG_OK);
  CHECK(key_len == strlen(gh_key) && memcmp(key, gh_key, key_len) == 0);
  CHECK(out.secret_index == 0);
  hooksig_verifier_free(github);

  /* Standard Webhooks signs an id: the key is it; a 300 s window: 2 * 300 + 60 s. */
  hooksig_verifier *sw = preset_verifier("standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  hooksig_header sw_headers[] = {
      header("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
      header("webhook-timestamp", "1614265330"),
      header("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")};
  const char *sw_body = "{\"test\": 2432232314}";
  hooksig_context then = {0};
  then.now = 1614265330;
  then.has_now = true;
  check_key(sw, sw_body, strlen(sw_body), sw_headers, 3, &then,
            "standard-webhooks:msg_p5jXN8AQM9LWM0D4loKWxJek", 660);
  hooksig_verifier_free(sw);

  /* An id whose bytes are not UTF-8 (a latin-1 byte as a server hands it over): its hex. */
  hooksig_verifier *latin1 = preset_verifier("standard-webhooks", "whsec_aG9va3NpZyBodHRwIGNvbnRyYWN0");
  hooksig_header latin1_headers[] = {
      header("webhook-id", "msg_caf\xe9"), header("webhook-timestamp", "1700000000"),
      header("webhook-signature", "v1,N0H85svtvK7pwuE8KlIQqETBfS7Y4R+lmLt3y66/+Js=")};
  const char *latin1_body = "{\"type\":\"latin1.test\"}";
  hooksig_context at_1700 = {0};
  at_1700.now = 1700000000;
  at_1700.has_now = true;
  check_key(latin1, latin1_body, strlen(latin1_body), latin1_headers, 3, &at_1700,
            "standard-webhooks:idhex:6d73675f636166e9", 660);
  hooksig_verifier_free(latin1);

  /* A token scheme signs nothing: the body's SHA-256 names the delivery. */
  hooksig_verifier *gitlab = preset_verifier("gitlab", "token-1");
  hooksig_header token[] = {header("X-Gitlab-Token", "token-1")};
  check_key(gitlab, "{}", 2, token, 1, NULL,
            "gitlab:body:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", 86400);
  /* ... so its key is made in the verify call, while the body is the one verified. */
  CHECK(hooksig_verifier_needs(gitlab) == HOOKSIG_NEEDS_KEY_AT_VERIFY);
  hooksig_verifier_free(gitlab);

  /* A namespace and a TTL of one's own, at the end of the config (zero: the defaults). */
  hooksig_bytes secrets[] = {HOOKSIG_STR(GITHUB_SECRET)};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"github";
  config.preset_len = 6;
  config.secrets = secrets;
  config.secrets_len = 1;
  config.replay_namespace = HOOKSIG_STR("orders");
  config.replay_ttl = 120;
  hooksig_verifier *orders = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &orders, NULL), HOOKSIG_OK);
  check_key(orders, GITHUB_BODY, strlen(GITHUB_BODY), gh, 2, NULL,
            "orders:sig:757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", 120);
  hooksig_verifier_free(orders);
  /* With a window the TTL follows it, whatever replay_ttl says. */
  config.tolerance_mode = HOOKSIG_TOLERANCE_SECONDS;
  config.tolerance_seconds = 45;
  config.preset = (const uint8_t *)"noyo";
  config.preset_len = 4;
  hooksig_verifier *noyo = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &noyo, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_replay_ttl(noyo) == 2 * 45 + 60);
  hooksig_verifier_free(noyo);
  /* An empty namespace, or one that is not UTF-8: a misuse, reported when built. */
  config.tolerance_mode = HOOKSIG_TOLERANCE_DEFAULT;
  config.replay_namespace.len = 0;
  hooksig_verifier *bad = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &bad, &message), HOOKSIG_INVALID_ARGUMENT);
  CHECK(bad == NULL && message != NULL && strstr(message, "replay_namespace") != NULL);
  hooksig_string_free(message);
  config.replay_namespace = HOOKSIG_STR("caf\xe9");
  CHECK_CODE(hooksig_verifier_new(&config, &bad, NULL), HOOKSIG_INVALID_ARGUMENT);
  config.replay_namespace.ptr = NULL;
  config.replay_namespace.len = 3;
  CHECK_CODE(hooksig_verifier_new(&config, &bad, NULL), HOOKSIG_INVALID_ARGUMENT);
  CHECK(bad == NULL);
}

/* Threads claiming the same keys at once: each key is won exactly once. */
enum { CLAIM_THREADS = 4, CLAIM_KEYS = 500 };

static void *claim_all(void *store) {
  size_t *won = malloc(sizeof *won);
  if (won == NULL) return NULL;
  *won = 0;
  for (int i = 0; i < CLAIM_KEYS; i++) {
    char key[32];
    int len = snprintf(key, sizeof key, "ns:evt_%d", i);
    if (hooksig_replay_store_claim(store, (const uint8_t *)key, (size_t)len, 60) == 1) (*won)++;
  }
  return won;
}

static void test_replay_store(void) {
  hooksig_replay_store *store = hooksig_replay_store_new(0); /* 100 000 keys */
  CHECK(store != NULL);
  const char *key = "stripe:evt_1";
  size_t len = strlen(key);
  CHECK(hooksig_replay_store_claim(store, (const uint8_t *)key, len, 660) == 1);
  CHECK(hooksig_replay_store_claim(store, (const uint8_t *)key, len, 660) == 0);
  CHECK(hooksig_replay_store_len(store) == 1);
  CHECK_CODE(hooksig_replay_store_release(store, (const uint8_t *)key, len), HOOKSIG_OK);
  CHECK(hooksig_replay_store_claim(store, (const uint8_t *)key, len, 660) == 1);
  CHECK_CODE(hooksig_replay_store_release(store, (const uint8_t *)"never", 5), HOOKSIG_OK);
  /* The empty key is a key; misuse is a negative code, never a crash. */
  CHECK(hooksig_replay_store_claim(store, NULL, 0, 60) == 1);
  CHECK(hooksig_replay_store_claim(store, NULL, 4, 60) == -HOOKSIG_INVALID_ARGUMENT);
  CHECK(hooksig_replay_store_claim(store, (const uint8_t *)"\xff", 1, 60) == -HOOKSIG_INVALID_ARGUMENT);
  CHECK(hooksig_replay_store_claim(NULL, (const uint8_t *)key, len, 60) == -HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_replay_store_release(NULL, (const uint8_t *)key, len), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_replay_store_release(store, (const uint8_t *)"\xff", 1), HOOKSIG_INVALID_ARGUMENT);
  CHECK(hooksig_replay_store_len(NULL) == 0);
  hooksig_replay_store_free(store);
  hooksig_replay_store_free(NULL);

  /* Bounded: the oldest claim goes first. */
  hooksig_replay_store *small = hooksig_replay_store_new(3);
  const char *keys[] = {"a", "b", "c", "d"};
  for (int i = 0; i < 4; i++) CHECK(hooksig_replay_store_claim(small, (const uint8_t *)keys[i], 1, 60) == 1);
  CHECK(hooksig_replay_store_len(small) == 3);
  CHECK(hooksig_replay_store_claim(small, (const uint8_t *)"d", 1, 60) == 0);
  CHECK(hooksig_replay_store_claim(small, (const uint8_t *)"a", 1, 60) == 1); /* evicted */
  hooksig_replay_store_free(small);

  /* Shared between threads: of the concurrent claims of one key, one wins. */
  hooksig_replay_store *shared = hooksig_replay_store_new(100000);
  pthread_t threads[CLAIM_THREADS];
  for (int t = 0; t < CLAIM_THREADS; t++) CHECK(pthread_create(&threads[t], NULL, claim_all, shared) == 0);
  size_t won = 0;
  for (int t = 0; t < CLAIM_THREADS; t++) {
    void *result = NULL;
    CHECK(pthread_join(threads[t], &result) == 0);
    CHECK(result != NULL);
    if (result) won += *(size_t *)result;
    free(result);
  }
  CHECK(won == CLAIM_KEYS);
  CHECK(hooksig_replay_store_len(shared) == CLAIM_KEYS);
  hooksig_replay_store_free(shared);
}

static void test_codes(void) {
  static const char *names[] = {
      "ok",           "missing_header", "invalid_header", "timestamp_too_old",
      "timestamp_in_future", "signature_mismatch", "unknown_preset", "invalid_scheme",
      "invalid_secret", "missing_param", "invalid_key"};
  for (int i = 0; i <= 10; i++) {
    CHECK(strcmp(hooksig_code_name(i), names[i]) == 0);
    CHECK(strlen(hooksig_code_message(i)) > 5);
  }
  /* The table, as a binding reads it at load: kinds for 1..N, then 0. */
  int n = 1;
  while (hooksig_code_kind(n) != 0) n++;
  CHECK(n == 11);
  for (int i = 1; i <= 5; i++) CHECK(hooksig_code_kind(i) == HOOKSIG_KIND_VERIFICATION);
  for (int i = 6; i <= 10; i++) CHECK(hooksig_code_kind(i) == HOOKSIG_KIND_CONFIGURATION);
  CHECK(hooksig_code_kind(0) == 0);
  CHECK(hooksig_code_kind(HOOKSIG_INVALID_ARGUMENT) == 0);
  CHECK(strcmp(hooksig_code_name(HOOKSIG_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(hooksig_code_name(HOOKSIG_INTERNAL_ERROR), "internal_error") == 0);
  CHECK(strcmp(hooksig_code_name(-1), "unknown") == 0);
  CHECK(strcmp(hooksig_code_name(11), "unknown") == 0);
  CHECK(strcmp(hooksig_code_name(12345), "unknown") == 0);
  CHECK(strlen(hooksig_version()) >= 5);
}

/* Many verifications, successes and failures with messages: valgrind sees no leak. */
static void test_many(void) {
  hooksig_verifier *v = github_verifier();
  hooksig_header headers[] = {header("X-Hub-Signature-256", GITHUB_SIG)};
  size_t ok = 0;
  for (int i = 0; i < 2000; i++) {
    char *message = NULL;
    size_t len = strlen(GITHUB_BODY) - (size_t)(i % 2);
    hooksig_code code =
        hooksig_verify(v, (const uint8_t *)GITHUB_BODY, len, headers, 1, NULL, NULL, &message);
    if (code == HOOKSIG_OK) ok++;
    hooksig_string_free(message);
  }
  CHECK(ok == 1000);
  hooksig_verifier_free(v);
}

int main(void) {
  test_github();
  test_null_safety();
  test_configuration_errors();
  test_sign_and_verify();
  test_header_names();
  test_public_key();
  test_url_signed();
  test_handshakes();
  test_replay_keys();
  test_replay_store();
  test_codes();
  test_many();
  printf("hooksig %s C ABI: %d checks, %d failed\n", hooksig_version(), checks, failures);
  return failures == 0 ? 0 : 1;
}
