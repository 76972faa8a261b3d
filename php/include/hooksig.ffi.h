/* Generated from bindings/c/include/hooksig.h by php/tools/ffi-header.php: do not
 * edit. The declarations as PHP's FFI::cdef reads them (see that script). */
enum hooksig_constants {
  HOOKSIG_TOLERANCE_DEFAULT = 0,
  HOOKSIG_TOLERANCE_NONE = 1,
  HOOKSIG_TOLERANCE_SECONDS = 2,
  HOOKSIG_NEEDS_URL = 1,
  HOOKSIG_NEEDS_METHOD = 2,
  HOOKSIG_NEEDS_HANDSHAKE = 4,
  HOOKSIG_NEEDS_KEY_AT_VERIFY = 8,
  HOOKSIG_KIND_VERIFICATION = 1,
  HOOKSIG_KIND_CONFIGURATION = 2,
};
enum hooksig_code
 {
  HOOKSIG_OK = 0,
  HOOKSIG_MISSING_HEADER = 1,
  HOOKSIG_INVALID_HEADER = 2,
  HOOKSIG_TIMESTAMP_TOO_OLD = 3,
  HOOKSIG_TIMESTAMP_IN_FUTURE = 4,
  HOOKSIG_SIGNATURE_MISMATCH = 5,
  HOOKSIG_UNKNOWN_PRESET = 6,
  HOOKSIG_INVALID_SCHEME = 7,
  HOOKSIG_INVALID_SECRET = 8,
  HOOKSIG_MISSING_PARAM = 9,
  HOOKSIG_INVALID_KEY = 10,
  HOOKSIG_INVALID_ARGUMENT = 100,
  HOOKSIG_INTERNAL_ERROR = 101,
};
typedef int32_t hooksig_code;
typedef struct hooksig_replay_store hooksig_replay_store;
typedef struct hooksig_signed hooksig_signed;
typedef struct hooksig_signer hooksig_signer;
typedef struct hooksig_verifier hooksig_verifier;
typedef struct hooksig_bytes {
  const char *ptr;
  size_t len;
} hooksig_bytes;
typedef struct hooksig_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} hooksig_header;
typedef struct hooksig_config {
  const char *preset;
  size_t preset_len;
  const char *scheme_json;
  size_t scheme_json_len;
  const struct hooksig_bytes *secrets;
  size_t secrets_len;
  const struct hooksig_bytes *public_keys;
  size_t public_keys_len;
  struct hooksig_bytes private_key;
  const struct hooksig_header *params;
  size_t params_len;
  uint32_t tolerance_mode;
  uint64_t tolerance_seconds;
  struct hooksig_bytes replay_namespace;
  uint64_t replay_ttl;
} hooksig_config;
typedef struct hooksig_context {
  uint64_t now;
  bool has_now;
  struct hooksig_bytes url;
  struct hooksig_bytes method;
} hooksig_context;
typedef struct hooksig_verified {
  uint64_t timestamp;
  size_t secret_index;
  const char *id;
  size_t id_len;
  bool has_timestamp;
} hooksig_verified;
typedef struct hooksig_reply {
  uint16_t status;
  const char *content_type;
  const struct hooksig_header *headers;
  size_t headers_len;
  struct hooksig_bytes body;
  struct hooksig_bytes secret;
} hooksig_reply;
hooksig_code hooksig_verifier_new(const struct hooksig_config *config,
                                  struct hooksig_verifier **out,
                                  char **message_out);
void hooksig_verifier_free(struct hooksig_verifier *verifier);
size_t hooksig_verifier_header_names(const struct hooksig_verifier *verifier,
                                     struct hooksig_bytes *names,
                                     size_t capacity);
uint32_t hooksig_verifier_needs(const struct hooksig_verifier *verifier);
hooksig_code hooksig_verify(const struct hooksig_verifier *verifier,
                            const char *body,
                            size_t body_len,
                            const struct hooksig_header *headers,
                            size_t headers_len,
                            const struct hooksig_context *context,
                            struct hooksig_verified *out,
                            char **message_out);
hooksig_code hooksig_verify_packed(const struct hooksig_verifier *verifier,
                                   const char *body,
                                   size_t body_len,
                                   const char *packed,
                                   size_t packed_len,
                                   const struct hooksig_context *context,
                                   struct hooksig_verified *out,
                                   char **message_out);
hooksig_code hooksig_verify_keyed(const struct hooksig_verifier *verifier,
                                  const char *body,
                                  size_t body_len,
                                  const struct hooksig_header *headers,
                                  size_t headers_len,
                                  const struct hooksig_context *context,
                                  struct hooksig_verified *out,
                                  uint8_t *key,
                                  size_t key_capacity,
                                  size_t *key_len,
                                  char **message_out);
hooksig_code hooksig_verify_keyed_packed(const struct hooksig_verifier *verifier,
                                         const char *body,
                                         size_t body_len,
                                         const char *packed,
                                         size_t packed_len,
                                         const struct hooksig_context *context,
                                         struct hooksig_verified *out,
                                         uint8_t *key,
                                         size_t key_capacity,
                                         size_t *key_len,
                                         char **message_out);
uint64_t hooksig_verifier_replay_ttl(const struct hooksig_verifier *verifier);
const char *hooksig_verifier_namespace(const struct hooksig_verifier *verifier, size_t *len);
struct hooksig_replay_store *hooksig_replay_store_new(size_t max_keys);
int32_t hooksig_replay_store_claim(const struct hooksig_replay_store *store,
                                   const char *key,
                                   size_t key_len,
                                   uint64_t ttl);
hooksig_code hooksig_replay_store_release(const struct hooksig_replay_store *store,
                                          const char *key,
                                          size_t key_len);
size_t hooksig_replay_store_len(const struct hooksig_replay_store *store);
void hooksig_replay_store_free(struct hooksig_replay_store *store);
hooksig_code hooksig_handshake(const struct hooksig_verifier *verifier,
                               const char *body,
                               size_t body_len,
                               const struct hooksig_header *headers,
                               size_t headers_len,
                               const struct hooksig_context *context,
                               struct hooksig_reply **out,
                               char **message_out);
hooksig_code hooksig_handshake_packed(const struct hooksig_verifier *verifier,
                                      const char *body,
                                      size_t body_len,
                                      const char *packed,
                                      size_t packed_len,
                                      const struct hooksig_context *context,
                                      struct hooksig_reply **out,
                                      char **message_out);
void hooksig_reply_free(struct hooksig_reply *reply);
hooksig_code hooksig_signer_new(const struct hooksig_config *config,
                                struct hooksig_signer **out,
                                char **message_out);
void hooksig_signer_free(struct hooksig_signer *signer);
hooksig_code hooksig_sign(const struct hooksig_signer *signer,
                          const char *body,
                          size_t body_len,
                          const char *id,
                          size_t id_len,
                          const struct hooksig_context *context,
                          struct hooksig_signed **out,
                          char **message_out);
size_t hooksig_signed_len(const struct hooksig_signed *result);
hooksig_code hooksig_signed_get(const struct hooksig_signed *result,
                                size_t index,
                                struct hooksig_header *out);
void hooksig_signed_free(struct hooksig_signed *result);
void hooksig_string_free(char *message);
const char *hooksig_code_name(int32_t code);
const char *hooksig_code_message(int32_t code);
uint32_t hooksig_code_kind(int32_t code);
const char *hooksig_version(void);
