# The one entry point: build, test, benchmark and package vagga.
SHELL := /bin/bash
MVN ?= mvn -q -B -Dstyle.color=never
BATS ?= bats
VERSION := $(shell sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)

.PHONY: all native java test junit bats bench deb rpm deps clean mutants mutation faults faults-short
# Bounds on the test runs (seconds): a hang fails the run and names what hung.
JUNIT_TIMEOUT ?= 1200
BATS_TIMEOUT ?= 3600

all: build/vagga

# Everything a fresh Debian machine lacks (run as root).
deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    openjdk-17-jdk-headless maven gcc make musl-tools bats bats-assert bats-support \
	    busybox-static uidmap tmux util-linux procps python3 iproute2 iptables curl sudo \
	    asciidoctor rpm rpm2cpio cpio dpkg zsh man-db git unzip zip mmdebstrap apt-utils gpg zlib1g-dev \
	    docker-compose podman crun catatonit bzip2 xz-utils nodejs ruby openssl
	# npm for the export tests' validator; a nodejs from elsewhere (nodesource) brings its own
	command -v npm > /dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm

native:
	$(MAKE) -C native OUT=$(CURDIR)/target/native

java build/lib/vagga.jar: $(shell find java/src native -type f 2>/dev/null) pom.xml
	$(MVN) package -DskipTests
	mkdir -p build/lib
	# install unlinks first: a running vagga-init does not block the copy
	install -m 644 target/vagga.jar build/lib/
	install -m 755 target/native/libvaggajni.so target/native/vagga-init target/native/vagga-sigblock build/lib/
	install -d -m 755 build/lib/stage
	touch build/lib/vagga.jar

build/vagga: build/lib/vagga.jar native/launcher.sh
	install -m 755 native/launcher.sh build/vagga
	# a copy beside the jar: what a !CapsuleCommand runs as `vagga` (its lib dir is bound in the capsule)
	install -m 755 native/launcher.sh build/lib/vagga
	$(MAKE) --no-print-directory build/lib/vagga.jsa

# Class-data-sharing archive of what vagga's runs load (a supervise, a plain command, config parses,
# a build and a rebuild from a saved step, a start in a built container): native/cds-train, with the
# launcher's own flags (an archive only applies to the same JVM and jar).
build/lib/vagga.jsa: build/lib/vagga.jar native/launcher.sh native/cds-train
	native/cds-train $(CURDIR)/build/vagga $(CURDIR)/$@ $(CURDIR)/target/cds

test: junit bats faults-short

# Fault injection (README "Hardening"): kill -9 of the supervisor at random moments, as root and as
# the test user (RUNS, default 300), and the config fuzzer over every fixture and example (FUZZ_RUNS,
# default 10000). Both print their figures and fail on any survivor, mount left, stack trace or hang.
# The short form in `make test`: 100 kill -9 runs here, 1000 fuzz inputs in `make junit`.
RUNS ?= 300
FUZZ_RUNS ?= 10000
faults: build/vagga
	tests-bats/faults/kill9 $(RUNS)
	$(MVN) test -Dtest=ConfigFuzzTest -Dfuzz.runs=$(FUZZ_RUNS)

faults-short: build/vagga
	tests-bats/faults/kill9 100

junit:
	timeout -k 30 $(JUNIT_TIMEOUT) $(MVN) test; status=$$?; \
	[ $$status = 124 ] && echo "junit: still running after $(JUNIT_TIMEOUT) s, killed; the last class reported: $$(ls -t target/surefire-reports/*.txt 2>/dev/null | head -1)"; \
	cat target/surefire-reports/TEST-*.xml 2>/dev/null | sed -n 's/^<testsuite .*tests="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2 \3 \4/p' \
	    | awk '{t+=$$1; e+=$$2; s+=$$3; f+=$$4} END {printf "\njunit: %d passed, %d failed, %d skipped\n", t-e-s-f, e+f, s}'; \
	exit $$status

bats: build/vagga deb rpm
	mkdir -p target
	rm -f target/bats.current
	set -o pipefail; VAGGA_BATS_CURRENT=$(CURDIR)/target/bats.current timeout -k 30 $(BATS_TIMEOUT) $(BATS) tests-bats \
	    | tee target/bats.log; status=$$?; \
	[ $$status = 124 ] && echo "bats: still running after $(BATS_TIMEOUT) s, killed; the test running then: $$(cat target/bats.current)"; \
	awk '/^ok .* # skip/ {s++; next} /^ok / {p++} /^not ok / {f++} END {printf "bats: %d passed, %d failed, %d skipped\n", p, f, s}' target/bats.log; \
	exit $$status

# PIT mutation testing of config, plan and the builder's pure parts (not in make test): prints the
# score per package and the surviving mutants of Selection, StatusText and ExitCodes (java/MUTATION.md).
mutation:
	$(MVN) -Pmutation test-compile org.pitest:pitest-maven:mutationCoverage
	java/mutation-score target/pit-reports/mutations.xml

# Deliberate bugs built into copies of the tree; each must make its bats tests fail (tests-bats/README.md).
mutants: build/vagga
	tests-bats/mutants

bench: build/vagga
	bench/run

# Packages: target/vagga_<version>_amd64.deb, target/vagga-<version>-1.x86_64.rpm (native/packaging/build).
deb rpm: build/vagga
	$(MVN) -Ppackaging validate
	native/packaging/build $@ $(VERSION)

clean:
	rm -rf build target
	$(MAKE) -C native clean OUT=$(CURDIR)/target/native
