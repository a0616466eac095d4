/* Natives of vagga.linux.Sha256Blocks: SHA-256's compression function (FIPS 180-4) over whole 64-byte
 * blocks, with the x86 SHA extensions when the CPU has them, else portable C. Java's own loop runs
 * at ~45 MB/s under the C1 compiler vagga starts with; hashing a large !Copy source or a download is
 * that loop. The Java class (vagga.image.Sha256) keeps the padding, the buffering and short inputs. */
#include "vaggajni.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void blocks_portable(uint32_t s[8], const uint8_t *p, size_t n)
{
    uint32_t w[64];
    for (; n > 0; n--, p += 64) {
        for (int t = 0; t < 16; t++)
            w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        s[0] += a;
        s[1] += b;
        s[2] += c;
        s[3] += d;
        s[4] += e;
        s[5] += f;
        s[6] += g;
        s[7] += h;
    }
}

#if defined(__x86_64__)
/* The SHA extensions keep the state as ABEF and CDGH; each sha256rnds2 does two rounds with the
 * schedule words plus constants in the low half of its third operand. The schedule of a group of
 * four words g >= 4 is msg2(msg1(G[g-4], G[g-3]) + alignr(G[g-1], G[g-2], 4), G[g-1]). */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_ni(uint32_t s[8], const uint8_t *p, size_t n)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1); /* CDAB */
    __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1B); /* EFGH */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                                      /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);                                            /* CDGH */
    for (; n > 0; n--, p += 64) {
        __m128i abef = st0, cdgh = st1, g[16];
        for (int i = 0; i < 16; i++) {
            if (i < 4)
                g[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
            else
                g[i] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(g[i - 4], g[i - 3]),
                                                          _mm_alignr_epi8(g[i - 1], g[i - 2], 4)),
                                            g[i - 1]);
            __m128i m = _mm_add_epi32(g[i], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, m);
            st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m, 0x0E));
        }
        st0 = _mm_add_epi32(st0, abef);
        st1 = _mm_add_epi32(st1, cdgh);
    }
    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)&s[0], st0);
    _mm_storeu_si128((__m128i *)&s[4], st1);
}

static int has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) != 0;
}
#endif

/* 1: the SHA extensions, 0: portable C; -1 forced portable (tests compare the two). */
static int mode = -2;

static int use_ni(void)
{
    if (mode == -2) {
#if defined(__x86_64__)
        mode = has_sha_ni();
#else
        mode = 0;
#endif
    }
    return mode == 1;
}

/* Compresses `blocks` 64-byte blocks of data[off..] into state (8 ints); 0, or -1 on bad arguments. */
static jint blocks0(JNIEnv *env, jclass cls, jintArray jstate, jbyteArray jdata, jint off, jint blocks)
{
    (void)cls;
    if (off < 0 || blocks < 0 || (*env)->GetArrayLength(env, jstate) != 8
        || (jlong)off + (jlong)blocks * 64 > (jlong)(*env)->GetArrayLength(env, jdata))
        return -1;
    uint32_t s[8];
    (*env)->GetIntArrayRegion(env, jstate, 0, 8, (jint *)s);
    /* critical: no copy of a 64 KiB buffer; the caller passes at most that much per call */
    uint8_t *data = (*env)->GetPrimitiveArrayCritical(env, jdata, NULL);
    if (data == NULL)
        return -1;
#if defined(__x86_64__)
    if (use_ni())
        blocks_ni(s, data + off, (size_t)blocks);
    else
#endif
        blocks_portable(s, data + off, (size_t)blocks);
    (*env)->ReleasePrimitiveArrayCritical(env, jdata, data, JNI_ABORT);
    (*env)->SetIntArrayRegion(env, jstate, 0, 8, (const jint *)s);
    return 0;
}

/* Which code runs: "sha-ni" or "portable"; forcePortable0 makes it the portable one (for tests). */
static jstring kind0(JNIEnv *env, jclass cls)
{
    (void)cls;
    return (*env)->NewStringUTF(env, use_ni() ? "sha-ni" : "portable");
}

static void forcePortable0(JNIEnv *env, jclass cls, jboolean portable)
{
    (void)env;
    (void)cls;
    mode = portable ? -1 : -2;
}

static const JNINativeMethod methods[] = {
    { "blocks0", "([I[BII)I", (void *)blocks0 },
    { "kind0", "()Ljava/lang/String;", (void *)kind0 },
    { "forcePortable0", "(Z)V", (void *)forcePortable0 },
};

jint vagga_register_sha256(JNIEnv *env)
{
    return vagga_register(env, "vagga/linux/Sha256Blocks", methods, sizeof methods / sizeof methods[0]);
}
