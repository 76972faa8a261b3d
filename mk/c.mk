# The C ABI (bindings/c): libhooksig_c.{so,a}, include/hooksig.h, a C test under valgrind.

TEST_TARGETS += test-c
LINT_TARGETS += lint-c

C_DIR := bindings/c
C_LIB_DIR := target/debug
C_TEST_BIN := target/c-test
C_FLAGS := -std=c11 -Wall -Wextra -Werror -pedantic -I$(C_DIR)/include
VALGRIND := valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	--show-leak-kinds=all

.PHONY: c-lib test-c lint-c

## c-lib: build libhooksig_c.so and libhooksig_c.a (debug) for the C test and the Ruby gem.
c-lib:
	cargo build -p hooksig-c

## test-c: Rust unit tests, the header staleness check, the C test (shared and static) and
## the program of docs/c.md, each under valgrind.
test-c: c-lib
	cargo test -p hooksig-c
	@mkdir -p $(C_TEST_BIN)
	awk '/^```c$$/ {on = 1; next} /^```$$/ {if (on) exit} on' docs/c.md > $(C_TEST_BIN)/docs_example.c
	gcc $(C_FLAGS) -g -o $(C_TEST_BIN)/docs_example $(C_TEST_BIN)/docs_example.c \
		-L$(C_LIB_DIR) -Wl,-rpath,$(abspath $(C_LIB_DIR)) -lhooksig_c
	gcc $(C_FLAGS) -g -o $(C_TEST_BIN)/test_shared $(C_DIR)/tests/test_hooksig.c \
		-L$(C_LIB_DIR) -Wl,-rpath,$(abspath $(C_LIB_DIR)) -lhooksig_c
	gcc $(C_FLAGS) -g -o $(C_TEST_BIN)/test_static $(C_DIR)/tests/test_hooksig.c \
		$(C_LIB_DIR)/libhooksig_c.a -lpthread -ldl -lm
	$(C_TEST_BIN)/test_shared
	$(C_TEST_BIN)/test_static
	@command -v valgrind >/dev/null || { echo "test-c needs valgrind: apt-get install -y valgrind" >&2; exit 1; }
	$(VALGRIND) $(C_TEST_BIN)/test_shared
	$(VALGRIND) $(C_TEST_BIN)/test_static
	$(VALGRIND) $(C_TEST_BIN)/docs_example

## lint-c: clippy on the C ABI crate, the header compiles as C and as C++.
lint-c:
	cargo clippy -p hooksig-c --all-targets -- -D warnings
	echo '#include "hooksig.h"' | gcc $(C_FLAGS) -x c -fsyntax-only -
	@if command -v g++ >/dev/null; then \
		echo '#include "hooksig.h"' | g++ -std=c++17 -Wall -Wextra -Werror -I$(C_DIR)/include -x c++ -fsyntax-only -; fi
