/* The C ABI from C: built with gcc -Wall -Wextra -Werror against include/hooksig.h,
 * run by `make test-c`, and again under valgrind (0 errors, 0 leaks). */

#include "hooksig.h"

#include <inttypes.h>
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

  /* One header, passed on its own. */
  CHECK_CODE(hooksig_verify_one(v, body, len, (const uint8_t *)"x-hub-signature-256", 19,
                                (const uint8_t *)GITHUB_SIG, strlen(GITHUB_SIG), NULL, &out, NULL),
             HOOKSIG_OK);
  CHECK_CODE(hooksig_verify_one(v, body, len - 1, (const uint8_t *)"x-hub-signature-256", 19,
                                (const uint8_t *)GITHUB_SIG, strlen(GITHUB_SIG), NULL, &out, NULL),
             HOOKSIG_SIGNATURE_MISMATCH);
  CHECK_CODE(hooksig_verify_one(v, body, len, NULL, 0, NULL, 0, NULL, &out, NULL),
             HOOKSIG_MISSING_HEADER);
  CHECK_CODE(hooksig_verify_one(v, body, len, NULL, 19, NULL, 0, NULL, &out, NULL),
             HOOKSIG_INVALID_ARGUMENT);

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

  CHECK_CODE(hooksig_sign(NULL, NULL, 0, NULL, NULL, 0, NULL, NULL), HOOKSIG_INVALID_ARGUMENT);
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
  const char *id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  hooksig_signed *signed_headers = NULL;
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, &ts, (const uint8_t *)id, strlen(id),
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
  uint64_t now = ts + 10;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, &out, NULL), HOOKSIG_OK);
  CHECK(out.secret_index == 1);
  CHECK(out.has_timestamp && out.timestamp == ts);
  CHECK(out.id_len == strlen(id) && memcmp(out.id, id, out.id_len) == 0);

  /* The window: 300 s by default, inclusive. */
  now = ts + 300;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL), HOOKSIG_OK);
  now = ts + 301;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL),
             HOOKSIG_TIMESTAMP_TOO_OLD);
  now = ts - 301;
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
  now = ts + 5;
  CHECK_CODE(hooksig_verify(v, body, sizeof body, headers, 3, &now, NULL, NULL), HOOKSIG_OK);
  now = ts + 6;
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
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, &ts, (const uint8_t *)"a\nb", 3, &bad, NULL),
             HOOKSIG_INVALID_HEADER);
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, &ts, (const uint8_t *)"\xff", 1, &bad, NULL),
             HOOKSIG_INVALID_ARGUMENT);
  CHECK(bad == NULL);
  /* Default timestamp and a random id. */
  CHECK_CODE(hooksig_sign(signer, body, sizeof body, NULL, NULL, 0, &bad, NULL), HOOKSIG_OK);
  CHECK(hooksig_signed_len(bad) == 3);
  hooksig_signed_free(bad);

  hooksig_signed_free(signed_headers);
  hooksig_signer_free(signer);
}

/* The names of the headers a verifier reads: what a binding may filter on. */
static void test_header_names(void) {
  hooksig_bytes secrets[] = {HOOKSIG_STR("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")};
  hooksig_config config = {0};
  config.preset = (const uint8_t *)"svix";
  config.preset_len = 4;
  config.secrets = secrets;
  config.secrets_len = 1;
  hooksig_verifier *v = NULL;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_header_count(v) == 3);
  const char *want[] = {"svix-signature", "svix-timestamp", "svix-id"};
  for (size_t i = 0; i < 3; i++) {
    hooksig_bytes name = {NULL, 0};
    CHECK_CODE(hooksig_verifier_header_name(v, i, &name), HOOKSIG_OK);
    CHECK(name.len == strlen(want[i]) && strncasecmp((const char *)name.ptr, want[i], name.len) == 0);
  }
  hooksig_bytes name;
  CHECK_CODE(hooksig_verifier_header_name(v, 3, &name), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verifier_header_name(v, 0, NULL), HOOKSIG_INVALID_ARGUMENT);
  CHECK_CODE(hooksig_verifier_header_name(NULL, 0, &name), HOOKSIG_INVALID_ARGUMENT);
  CHECK(hooksig_verifier_header_count(NULL) == 0);
  CHECK(hooksig_verifier_yields(v) == (HOOKSIG_YIELDS_TIMESTAMP | HOOKSIG_YIELDS_ID));
  CHECK(hooksig_verifier_reads_header(v, (const uint8_t *)"SVIX-Timestamp", 14));
  CHECK(!hooksig_verifier_reads_header(v, (const uint8_t *)"svix-timestamp2", 15));
  CHECK(!hooksig_verifier_reads_header(v, (const uint8_t *)"svix-timestam", 13));
  CHECK(!hooksig_verifier_reads_header(v, NULL, 3));
  CHECK(!hooksig_verifier_reads_header(NULL, (const uint8_t *)"svix-id", 7));
  CHECK(hooksig_verifier_yields(NULL) == 0);
  hooksig_verifier_free(v);

  /* Stripe's timestamp is a field of its one header. */
  config.preset = (const uint8_t *)"stripe";
  config.preset_len = 6;
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_header_count(v) == 1);
  CHECK(hooksig_verifier_yields(v) == HOOKSIG_YIELDS_TIMESTAMP);
  hooksig_verifier_free(v);

  /* GitHub's requests carry neither: a verify with one secret needs no `out`. */
  config.preset = (const uint8_t *)"github";
  config.preset_len = 6;
  config.secrets = (hooksig_bytes[]){HOOKSIG_STR("It's a Secret to Everybody")};
  CHECK_CODE(hooksig_verifier_new(&config, &v, NULL), HOOKSIG_OK);
  CHECK(hooksig_verifier_yields(v) == 0);
  const char *body = "Hello, World!";
  hooksig_header header = {
      (const uint8_t *)"X-Hub-Signature-256", 19,
      (const uint8_t *)"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", 71};
  CHECK_CODE(hooksig_verify(v, (const uint8_t *)body, strlen(body), &header, 1, NULL, NULL, NULL), HOOKSIG_OK);
  hooksig_verifier_free(v);
}

static void test_codes(void) {
  static const char *names[] = {
      "ok",           "missing_header", "invalid_header", "timestamp_too_old",
      "timestamp_in_future", "signature_mismatch", "unknown_preset", "invalid_scheme",
      "invalid_secret", "missing_param"};
  for (int i = 0; i <= 9; i++) {
    CHECK(strcmp(hooksig_code_name(i), names[i]) == 0);
    CHECK(strlen(hooksig_code_message(i)) > 5);
  }
  CHECK(strcmp(hooksig_code_name(HOOKSIG_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(hooksig_code_name(HOOKSIG_INTERNAL_ERROR), "internal_error") == 0);
  CHECK(strcmp(hooksig_code_name(-1), "unknown") == 0);
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
  test_codes();
  test_many();
  printf("hooksig %s C ABI: %d checks, %d failed\n", hooksig_version(), checks, failures);
  return failures == 0 ? 0 : 1;
}
