// The engine's CUDA kernels: one Llama-family forward step over a batch of tokens from many
// sequences, reading and writing keys and values through block tables in the shared KV pool, and
// choosing the next tokens on the device. The family switches (ArchSwitches on the Java side) are
// kernel arguments or kernels of their own: the embedding scale, per-head q/k RMSNorm, the norms
// on sublayer outputs, GeGLU, a sliding window and a soft cap on attention scores, a soft cap on
// the logits. One forward, whichever family.
//
// Data types. The residual stream and every matrix product's output are float32. The inputs of
// the matrix products (normed activations, attention output, SwiGLU output) and the weights are
// the model's compute type T: __half or __nv_bfloat16 (each kernel that depends on T exists as
// NAME_f16 and NAME_bf16). Queries, keys and values are always __half, like the CPU backend's
// f16-rounded KV pool.
//
// Compiled by NVRTC at build time (build_kernels.py); loaded by the Java side (CudaKernels) with
// the driver API. Everything the host calls is extern "C" so its name survives.

#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <mma.h>

using namespace nvcuda;

typedef unsigned long long u64;

#define NEG_INF (-__int_as_float(0x7f800000))

template <typename T> __device__ __forceinline__ float to_float(T v);
template <> __device__ __forceinline__ float to_float<__half>(__half v) { return __half2float(v); }
template <> __device__ __forceinline__ float to_float<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T> __device__ __forceinline__ T from_float(float v);
template <> __device__ __forceinline__ __half from_float<__half>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// ---------------------------------------------------------------------------------------------
// Block-wide reductions. `scratch` holds at least 32 entries; every thread gets the result.

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.f;
    return warp_sum(v);
}

__device__ int block_sum_int(int v, int* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// ---------------------------------------------------------------------------------------------
// Embedding gather: x[t] = table[tokens[t]] * scale as float (scale: Gemma's sqrt(hidden size),
// else 1). Grid: one block per token.

template <typename T>
__device__ void embed(const T* __restrict__ table, const int* __restrict__ tokens, float* __restrict__ x, int dim,
                      float scale) {
    long long row = (long long)tokens[blockIdx.x] * dim;
    float* out = x + (long long)blockIdx.x * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[i] = to_float(table[row + i]) * scale;
}

// RMSNorm of float rows into the compute type: out[r] = x[src] / rms(x[src]) * w, where src is
// rows[r] when a row list is given (the final norm of only the tokens whose logits are wanted).
template <typename T>
__device__ void rmsnorm(const float* __restrict__ x, const float* __restrict__ w, T* __restrict__ out,
                        const int* __restrict__ rows, int dim, float eps) {
    __shared__ float scratch[32];
    int src = rows ? rows[blockIdx.x] : blockIdx.x;
    const float* xr = x + (long long)src * dim;
    float ss = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) ss += xr[i] * xr[i];
    ss = block_sum(ss, scratch);
    float inv = (float)(1.0 / sqrt((double)ss / dim + (double)eps));
    T* o = out + (long long)blockIdx.x * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) o[i] = from_float<T>(xr[i] * inv * w[i]);
}

// SwiGLU over the fused gate/up product (row t: ffn gate values, then ffn up values).
template <typename T>
__device__ void swiglu(const float* __restrict__ gateUp, T* __restrict__ out, int ffn, long long total) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        long long t = i / ffn;
        int j = (int)(i - t * ffn);
        float g = gateUp[t * 2 * ffn + j];
        float u = gateUp[t * 2 * ffn + ffn + j];
        out[i] = from_float<T>(g / (1.f + expf(-g)) * u);
    }
}

// GeGLU over the same fused product (Gemma): gelu_tanh(g) * u, where gelu_tanh(g) =
// 0.5 g (1 + tanh(u)) = g * sigmoid(2u), u = sqrt(2/pi) (g + 0.044715 g^3), computed as in the
// CPU backend's VectorOps.geluTanhMultiply.
template <typename T>
__device__ void geglu(const float* __restrict__ gateUp, T* __restrict__ out, int ffn, long long total) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
        long long t = i / ffn;
        int j = (int)(i - t * ffn);
        float g = gateUp[t * 2 * ffn + j];
        float u = gateUp[t * 2 * ffn + ffn + j];
        float twoU = 2.f * 0.7978845608028654f * (g + 0.044715f * g * g * g);
        out[i] = from_float<T>(g / (1.f + expf(-twoU)) * u);
    }
}

// Per-head RMSNorm in place over the fused q/k/v rows, before RoPE (Qwen3, Gemma 3): block
// (t, h) normalises head h of row t, query heads with qNorm, key heads with kNorm (headDim floats
// each). Grid: (tokens, heads + kvHeads), one warp per block.
extern "C" __global__ void head_rmsnorm(float* __restrict__ qkv, const float* __restrict__ qNorm,
                                        const float* __restrict__ kNorm, int heads, int kvHeads, int headDim,
                                        float eps) {
    int t = blockIdx.x, h = blockIdx.y;
    float* v = qkv + (long long)t * (heads + 2 * kvHeads) * headDim + (long long)h * headDim;
    const float* w = h < heads ? qNorm : kNorm;
    float ss = 0.f;
    for (int i = threadIdx.x; i < headDim; i += 32) ss += v[i] * v[i];
    for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
    float inv = (float)(1.0 / sqrt((double)ss / headDim + (double)eps));
    for (int i = threadIdx.x; i < headDim; i += 32) v[i] = v[i] * inv * w[i];
}

// Sandwich norms (Gemma 2 and 3): x[t] += y[t] / rms(y[t]) * w, the sublayer output y normed
// before the residual addition. Grid: one block per token.
extern "C" __global__ void rmsnorm_add(float* __restrict__ x, const float* __restrict__ y, const float* __restrict__ w,
                                       int dim, float eps) {
    __shared__ float scratch[32];
    const float* yr = y + (long long)blockIdx.x * dim;
    float* xr = x + (long long)blockIdx.x * dim;
    float ss = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) ss += yr[i] * yr[i];
    ss = block_sum(ss, scratch);
    float inv = (float)(1.0 / sqrt((double)ss / dim + (double)eps));
    for (int i = threadIdx.x; i < dim; i += blockDim.x) xr[i] += yr[i] * inv * w[i];
}

// Soft capping in place (Gemma 2's final logits): v = cap * tanh(v / cap).
extern "C" __global__ void softcap(float* __restrict__ v, long long n, float cap) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        v[i] = cap * tanhf(v[i] / cap);
    }
}

// Deterministic pseudo-random weights in [-scale, scale) made on the device (SplitMix64 of the
// element index), so a benchmark model of billions of parameters needs no upload.
__device__ __forceinline__ u64 splitmix64(u64 z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

template <typename T>
__device__ void fill_random(T* __restrict__ w, long long n, u64 seed, float scale) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        u64 r = splitmix64(seed ^ ((u64)i * 0xD1B54A32D192ED03ull));
        float unit = (float)(r >> 40) * (1.0f / 16777216.0f); // [0, 1) with 24 bits
        w[i] = from_float<T>((2.f * unit - 1.f) * scale);
    }
}

// ---------------------------------------------------------------------------------------------
// Rotary embedding of q and k, and the store of k and v into the KV pool.
// qkv row t: qDim query values, kvDim key values, kvDim value values (the fused q/k/v product).
// The rotated queries go to q (half); keys and values go to slot slots[t] of this layer's pool.
extern "C" __global__ void rope_store(const float* __restrict__ qkv, const float* __restrict__ bias,
                                      __half* __restrict__ q, __half* __restrict__ kcache, __half* __restrict__ vcache,
                                      const int* __restrict__ positions, const long long* __restrict__ slots,
                                      const double* __restrict__ invFreq, int heads, int kvHeads, int headDim,
                                      int interleaved, double positionScale) {
    int t = blockIdx.x;
    int qDim = heads * headDim, kvDim = kvHeads * headDim, half = headDim / 2;
    const float* row = qkv + (long long)t * (qDim + 2 * kvDim);
    double pos = positions[t] * positionScale;
    long long slot = slots[t];
    int pairs = (heads + kvHeads) * half;
    for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
        int h = p / half, i = p - h * half;
        int base = h * headDim; // heads of q, then heads of k: contiguous in the row
        int a = interleaved ? base + 2 * i : base + i;
        int b = interleaved ? a + 1 : base + i + half;
        float x0 = row[a], x1 = row[b];
        if (bias) { x0 += bias[a]; x1 += bias[b]; }
        double s, c;
        sincos(pos * invFreq[i], &s, &c);
        float cs = (float)c, sn = (float)s;
        float y0 = x0 * cs - x1 * sn;
        float y1 = x0 * sn + x1 * cs;
        if (h < heads) {
            q[(long long)t * qDim + a] = __float2half_rn(y0);
            q[(long long)t * qDim + b] = __float2half_rn(y1);
        } else {
            kcache[slot * kvDim + (a - qDim)] = __float2half_rn(y0);
            kcache[slot * kvDim + (b - qDim)] = __float2half_rn(y1);
        }
    }
    for (int i = threadIdx.x; i < kvDim; i += blockDim.x) {
        float v = row[qDim + kvDim + i];
        if (bias) v += bias[qDim + kvDim + i];
        vcache[slot * kvDim + i] = __float2half_rn(v);
    }
}

// ---------------------------------------------------------------------------------------------
// Matrix product Y[M][N] (+)= X[M][K] * W[N][K]^T on the tensor cores (float accumulation).
// X is the batch's activations, W a weight matrix in its GGUF layout (one row per output).
// A block computes BM x BN outputs with WM x WN warps, each warp (BM/WM) x (BN/WN) outputs as
// 16 x 16 fragments, over 32-deep k steps fed by a 3-stage cp.async pipeline in dynamic shared
// memory. Blocks that share a weight tile are adjacent in the grid (x walks M), so a tile read by
// several of them comes from L2. Needs K % 8 == 0. Several tile shapes are compiled; the host
// picks one per product shape (GemmShapes on the Java side).

#define GEMM_STAGES 3

__device__ __forceinline__ void cp_async16(void* smem, const void* gmem, bool valid) {
    unsigned s = (unsigned)__cvta_generic_to_shared(smem);
    int bytes = valid ? 16 : 0; // 0: the 16 bytes are zero-filled
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

template <int BM, int BN, int BK> struct GemmSmem {
    static constexpr int PIPE = GEMM_STAGES * (BM + BN) * (BK + 8) * 2;
    static constexpr int EPI = BM * (BN + 4) * 4;
    static constexpr int BYTES = PIPE > EPI ? PIPE : EPI;
};

// Split-K: block z covers k in [z * kChunk, min(K, (z + 1) * kChunk)) and writes its partial
// product to Y + z * splitStride; splitk_reduce then sums the partials in order, so the result
// does not depend on which tile shape ran.
template <typename T, int BM, int BN, int BK, int WM, int WN>
__device__ void gemm_nt(const T* __restrict__ X, const T* __restrict__ W, float* __restrict__ Y,
                        int M, int N, int K, int accumulate, int kChunk, long long splitStride) {
    constexpr int THREADS = 32 * WM * WN;
    constexpr int GEMM_BK = BK, GEMM_LDS = BK + 8, KC = BK / 8; // 16-byte pieces per row of a k tile
    constexpr int TM = BM / WM, TN = BN / WN; // one warp's outputs
    constexpr int FM = TM / 16, FN = TN / 16;
    constexpr int LDC = BN + 4;
    extern __shared__ __align__(128) unsigned char smem[];
    T* As = (T*)smem;
    T* Bs = As + GEMM_STAGES * BM * GEMM_LDS;
    int m0 = blockIdx.x * BM, n0 = blockIdx.y * BN;
    int warp = threadIdx.x >> 5, wm = warp / WN, wn = warp % WN;
    int kBegin = blockIdx.z * kChunk, kEnd = min(K, kBegin + kChunk);
    int kTiles = (kEnd - kBegin + GEMM_BK - 1) / GEMM_BK;
    Y += blockIdx.z * splitStride;

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[FM][FN];
#pragma unroll
    for (int i = 0; i < FM; i++)
#pragma unroll
        for (int j = 0; j < FN; j++) wmma::fill_fragment(acc[i][j], 0.f);

    auto load = [&](int stage, int kt) {
        int k0 = kBegin + kt * GEMM_BK;
#pragma unroll
        for (int c = threadIdx.x; c < BM * KC; c += THREADS) {
            int r = c / KC, kc = (c % KC) * 8;
            int gr = m0 + r, gk = k0 + kc;
            bool ok = gr < M && gk < kEnd;
            cp_async16(As + (stage * BM + r) * GEMM_LDS + kc, ok ? X + (long long)gr * K + gk : X, ok);
        }
#pragma unroll
        for (int c = threadIdx.x; c < BN * KC; c += THREADS) {
            int r = c / KC, kc = (c % KC) * 8;
            int gn = n0 + r, gk = k0 + kc;
            bool ok = gn < N && gk < kEnd;
            cp_async16(Bs + (stage * BN + r) * GEMM_LDS + kc, ok ? W + (long long)gn * K + gk : W, ok);
        }
    };

#pragma unroll
    for (int s = 0; s < GEMM_STAGES - 1; s++) {
        if (s < kTiles) load(s, s);
        cp_async_commit();
    }
    for (int kt = 0; kt < kTiles; kt++) {
        cp_async_wait<GEMM_STAGES - 2>();
        __syncthreads(); // tile kt is in; every warp is done with the stage about to be refilled
        int next = kt + GEMM_STAGES - 1;
        if (next < kTiles) load(next % GEMM_STAGES, next);
        cp_async_commit();
        int stage = kt % GEMM_STAGES;
        const T* a = As + (stage * BM + wm * TM) * GEMM_LDS;
        const T* b = Bs + (stage * BN + wn * TN) * GEMM_LDS;
#pragma unroll
        for (int kk = 0; kk < GEMM_BK; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> fa[FM];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> fb[FN];
#pragma unroll
            for (int i = 0; i < FM; i++) wmma::load_matrix_sync(fa[i], a + i * 16 * GEMM_LDS + kk, GEMM_LDS);
#pragma unroll
            for (int j = 0; j < FN; j++) wmma::load_matrix_sync(fb[j], b + j * 16 * GEMM_LDS + kk, GEMM_LDS);
#pragma unroll
            for (int i = 0; i < FM; i++)
#pragma unroll
                for (int j = 0; j < FN; j++) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
        }
    }
    cp_async_wait<0>();
    __syncthreads();
    // The epilogue goes through shared memory so the global stores are whole coalesced rows.
    float* C = (float*)smem;
#pragma unroll
    for (int i = 0; i < FM; i++)
#pragma unroll
        for (int j = 0; j < FN; j++)
            wmma::store_matrix_sync(C + (wm * TM + i * 16) * LDC + wn * TN + j * 16, acc[i][j], LDC, wmma::mem_row_major);
    __syncthreads();
    for (int e = threadIdx.x; e < BM * BN; e += THREADS) {
        int r = e / BN, c = e - r * BN;
        int gr = m0 + r, gc = n0 + c;
        if (gr < M && gc < N) {
            long long o = (long long)gr * N + gc;
            Y[o] = (accumulate ? Y[o] : 0.f) + C[r * LDC + c];
        }
    }
}

// The same product on mma.sync directly: ldmatrix loads of the shared-memory tiles (rows padded
// to 80 bytes, so the 8 rows one ldmatrix phase reads fall in distinct banks), m16n8k16
// instructions, a 4-stage cp.async pipeline, accumulators stored straight from registers. Warp
// tile (BM/WM) x (BN/WN) as MI x NI instructions of 16 x 8.

#define MMA_BK 32
#define MMA_LDS (MMA_BK + 8)
#define MMA_STAGES 4

template <typename T> struct MmaOp;
template <> struct MmaOp<__half> {
    static __device__ __forceinline__ void run(float* d, const unsigned* a, unsigned b0, unsigned b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
};
template <> struct MmaOp<__nv_bfloat16> {
    static __device__ __forceinline__ void run(float* d, const unsigned* a, unsigned b0, unsigned b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
};

__device__ __forceinline__ void ldmatrix_x4(unsigned* r, const void* smemRow) {
    unsigned s = (unsigned)__cvta_generic_to_shared(smemRow);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

template <int BM, int BN> struct MmaGemmSmem {
    static constexpr int BYTES = MMA_STAGES * (BM + BN) * MMA_LDS * 2;
};

template <typename T, int BM, int BN, int WM, int WN>
__device__ void gemm_mma(const T* __restrict__ X, const T* __restrict__ W, float* __restrict__ Y,
                         int M, int N, int K, int accumulate, int kChunk, long long splitStride) {
    constexpr int THREADS = 32 * WM * WN;
    constexpr int TM = BM / WM, TN = BN / WN;
    constexpr int MI = TM / 16, NI = TN / 8;
    static_assert(NI % 2 == 0, "B fragments load two n-tiles at a time");
    extern __shared__ __align__(128) unsigned char smem[];
    T* As = (T*)smem;
    T* Bs = As + MMA_STAGES * BM * MMA_LDS;
    int m0 = blockIdx.x * BM, n0 = blockIdx.y * BN;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int wm = warp / WN, wn = warp % WN;
    int kBegin = blockIdx.z * kChunk, kEnd = min(K, kBegin + kChunk);
    int kTiles = (kEnd - kBegin + MMA_BK - 1) / MMA_BK;
    Y += blockIdx.z * splitStride;

    float acc[MI][NI][4];
#pragma unroll
    for (int i = 0; i < MI; i++)
#pragma unroll
        for (int j = 0; j < NI; j++) acc[i][j][0] = acc[i][j][1] = acc[i][j][2] = acc[i][j][3] = 0.f;

    auto load = [&](int stage, int kt) {
        int k0 = kBegin + kt * MMA_BK;
#pragma unroll
        for (int c = threadIdx.x; c < BM * 4; c += THREADS) {
            int r = c >> 2, kc = (c & 3) * 8;
            int gr = m0 + r, gk = k0 + kc;
            bool ok = gr < M && gk < kEnd;
            cp_async16(As + (stage * BM + r) * MMA_LDS + kc, ok ? X + (long long)gr * K + gk : X, ok);
        }
#pragma unroll
        for (int c = threadIdx.x; c < BN * 4; c += THREADS) {
            int r = c >> 2, kc = (c & 3) * 8;
            int gn = n0 + r, gk = k0 + kc;
            bool ok = gn < N && gk < kEnd;
            cp_async16(Bs + (stage * BN + r) * MMA_LDS + kc, ok ? W + (long long)gn * K + gk : W, ok);
        }
    };

#pragma unroll
    for (int s = 0; s < MMA_STAGES - 1; s++) {
        if (s < kTiles) load(s, s);
        cp_async_commit();
    }
    // ldmatrix row addresses: lane l serves row (l & 7) of matrix (l >> 3).
    int aRow = ((lane >> 3) & 1) * 8 + (lane & 7), aCol = (lane >> 4) * 8;
    int bRow = (lane >> 4) * 8 + (lane & 7), bCol = ((lane >> 3) & 1) * 8;
    for (int kt = 0; kt < kTiles; kt++) {
        cp_async_wait<MMA_STAGES - 2>();
        __syncthreads();
        int next = kt + MMA_STAGES - 1;
        if (next < kTiles) load(next % MMA_STAGES, next);
        cp_async_commit();
        int stage = kt % MMA_STAGES;
        const T* a = As + (stage * BM + wm * TM) * MMA_LDS;
        const T* b = Bs + (stage * BN + wn * TN) * MMA_LDS;
#pragma unroll
        for (int kk = 0; kk < MMA_BK; kk += 16) {
            unsigned af[MI][4], bf[NI][2];
#pragma unroll
            for (int i = 0; i < MI; i++) ldmatrix_x4(af[i], a + (i * 16 + aRow) * MMA_LDS + kk + aCol);
#pragma unroll
            for (int j = 0; j < NI; j += 2) {
                unsigned r[4];
                ldmatrix_x4(r, b + (j * 8 + bRow) * MMA_LDS + kk + bCol);
                bf[j][0] = r[0];
                bf[j][1] = r[1];
                bf[j + 1][0] = r[2];
                bf[j + 1][1] = r[3];
            }
#pragma unroll
            for (int i = 0; i < MI; i++)
#pragma unroll
                for (int j = 0; j < NI; j++) MmaOp<T>::run(acc[i][j], af[i], bf[j][0], bf[j][1]);
        }
    }
    cp_async_wait<0>();
    int g = lane >> 2, t = lane & 3;
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int half = 0; half < 2; half++) {
            int gr = m0 + wm * TM + i * 16 + g + 8 * half;
            if (gr >= M) continue;
#pragma unroll
            for (int j = 0; j < NI; j++) {
                int gc = n0 + wn * TN + j * 8 + 2 * t;
                long long o = (long long)gr * N + gc;
                if (gc + 1 < N) {
                    float2 v = make_float2(acc[i][j][2 * half], acc[i][j][2 * half + 1]);
                    if (accumulate) {
                        float2 old = *(float2*)(Y + o);
                        v.x += old.x;
                        v.y += old.y;
                    }
                    if ((((unsigned long long)(Y + o)) & 7) == 0) {
                        *(float2*)(Y + o) = v;
                    } else {
                        Y[o] = v.x;
                        Y[o + 1] = v.y;
                    }
                } else if (gc < N) {
                    Y[o] = (accumulate ? Y[o] : 0.f) + acc[i][j][2 * half];
                }
            }
        }
    }
}

// Y (+)= the sum of `splits` partial products, in order; four floats per thread when n allows.
extern "C" __global__ void splitk_reduce(const float* __restrict__ partials, float* __restrict__ Y, long long n,
                                         int splits, int accumulate) {
    long long stride = (long long)gridDim.x * blockDim.x;
    if ((n & 3) == 0) {
        const float4* p4 = (const float4*)partials;
        float4* y4 = (float4*)Y;
        long long n4 = n >> 2;
        for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n4; i += stride) {
            float4 v = accumulate ? y4[i] : make_float4(0.f, 0.f, 0.f, 0.f);
            for (int z = 0; z < splits; z++) {
                float4 q = p4[z * n4 + i];
                v.x += q.x; v.y += q.y; v.z += q.z; v.w += q.w;
            }
            y4[i] = v;
        }
        return;
    }
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += stride) {
        float v = accumulate ? Y[i] : 0.f;
        for (int z = 0; z < splits; z++) v += partials[z * n + i];
        Y[i] = v;
    }
}

// ---------------------------------------------------------------------------------------------
// Paged attention over the shared KV pool, in two kernels.
//
// attn_partial: one block per (work item, KV head). A work item is a stack of query tokens that
// read the same KV blocks (the members of a prefix group over their common prefix, or one
// sequence's prefill tokens over their own context) and a range of at most a few hundred
// positions. Its up to 64 query rows (tokens x query heads of this KV head) go over the range in
// tiles of 64 keys, each tile loaded once into shared memory for all of them: the group's prefix is
// read once per group, not once per member. Scores and the weighted sum run on the tensor cores;
// the running softmax (max m, sum l) is kept per row. It writes each row's unnormalised output and
// (m, l) as one partial result.
//
// attn_merge: one block per token combines its partials by the log-sum-exp rule (the same
// arithmetic whichever way the positions were split) and writes the attention output.
//
// Item record (6 ints): first token in itemTokens, token count, first position, end position,
// first entry of its block table in blockIds, first partial record.
//
// Both kernels mask per row: a key is seen when it is at or before the row's position and, in a
// sliding layer (window > 0), after position - window; a row the window leaves no key in a tile
// keeps m = -inf there, which the merge weighs as nothing. With softcap > 0 a scaled score s
// becomes softcap * tanh(s / softcap) (Gemma 2).

// The scaled, capped score, or -inf where the row may not see the key.
__device__ __forceinline__ float att_score(float dot, int key, int posEnd, int qpos, int window, float scale, float softcap) {
    bool ok = key < posEnd && key <= qpos && (window <= 0 || key > qpos - window);
    if (!ok) return NEG_INF;
    float s = dot * scale;
    return softcap > 0.f ? softcap * tanhf(s / softcap) : s;
}

#define ATT_ROWS 64
#define ATT_KEYS 64
#define ATT_LDS_S (ATT_KEYS + 4)
#define ATT_LDS_P (ATT_KEYS + 8)
#define ATT_THREADS 128

template <int D> struct AttLayout {
    static constexpr int LDQ = D + 8;  // halves per row of Q, K and V tiles
    static constexpr int LDO = D + 4;  // floats per row of the output accumulator
    static constexpr int Q = 0;
    static constexpr int K = Q + ATT_ROWS * LDQ * 2;
    static constexpr int V = K + ATT_KEYS * LDQ * 2;
    static constexpr int S = V + ATT_KEYS * LDQ * 2;
    static constexpr int P = S + ATT_ROWS * ATT_LDS_S * 4;
    static constexpr int O = P + ATT_ROWS * ATT_LDS_P * 2;
    static constexpr int ROWS = O + ATT_ROWS * LDO * 4;
    static constexpr int BYTES = ROWS + ATT_ROWS * 4 * 4;
};

template <int D>
__device__ void attn_partial(const __half* __restrict__ q, const __half* __restrict__ kc, const __half* __restrict__ vc,
                             const int* __restrict__ items, const int* __restrict__ itemTokens,
                             const int* __restrict__ positions, const int* __restrict__ blockIds,
                             float* __restrict__ partO, float* __restrict__ partML,
                             int heads, int kvHeads, int blockSize, float scale, int window, float softcap) {
    typedef AttLayout<D> L;
    extern __shared__ __align__(128) unsigned char smem[];
    __half* Qs = (__half*)(smem + L::Q);
    __half* Ks = (__half*)(smem + L::K);
    __half* Vs = (__half*)(smem + L::V);
    float* Ss = (float*)(smem + L::S);
    __half* Ps = (__half*)(smem + L::P);
    float* Os = (float*)(smem + L::O);
    float* rowM = (float*)(smem + L::ROWS);
    float* rowL = rowM + ATT_ROWS;
    float* rowAlpha = rowL + ATT_ROWS;
    int* rowPos = (int*)(rowAlpha + ATT_ROWS);

    const int* item = items + blockIdx.x * 6;
    int tokenStart = item[0], tokenCount = item[1], posStart = item[2], posEnd = item[3];
    const int* table = blockIds + item[4];
    int partialBase = item[5];
    int kvh = blockIdx.y;
    int group = heads / kvHeads;
    int rows = tokenCount * group;
    int kvDim = kvHeads * D;
    const int chunks = D / 8; // 16-byte pieces per row

    for (int c = threadIdx.x; c < ATT_ROWS * chunks; c += ATT_THREADS) {
        int r = c / chunks, d8 = (c - r * chunks) * 8;
        uint4 v = make_uint4(0, 0, 0, 0);
        if (r < rows) {
            int token = itemTokens[tokenStart + r / group];
            int head = kvh * group + r % group;
            v = *(const uint4*)(q + ((long long)token * heads + head) * D + d8);
        }
        *(uint4*)(Qs + r * L::LDQ + d8) = v;
    }
    for (int c = threadIdx.x; c < ATT_ROWS * D; c += ATT_THREADS) Os[(c / D) * L::LDO + c % D] = 0.f;
    for (int r = threadIdx.x; r < ATT_ROWS; r += ATT_THREADS) {
        rowM[r] = NEG_INF;
        rowL[r] = 0.f;
        rowPos[r] = r < rows ? positions[itemTokens[tokenStart + r / group]] : -1;
    }

    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int r0 = warp * 16; // this warp's 16 query rows
    for (int k0 = posStart; k0 < posEnd; k0 += ATT_KEYS) {
        __syncthreads(); // the previous tile's K and V are no longer read
        for (int c = threadIdx.x; c < ATT_KEYS * chunks; c += ATT_THREADS) {
            int i = c / chunks, d8 = (c - i * chunks) * 8;
            int p = k0 + i;
            uint4 kv = make_uint4(0, 0, 0, 0), vv = make_uint4(0, 0, 0, 0);
            if (p < posEnd) {
                long long slot = (long long)table[p / blockSize] * blockSize + p % blockSize;
                long long off = slot * kvDim + (long long)kvh * D + d8;
                kv = *(const uint4*)(kc + off);
                vv = *(const uint4*)(vc + off);
            }
            *(uint4*)(Ks + i * L::LDQ + d8) = kv;
            *(uint4*)(Vs + i * L::LDQ + d8) = vv;
        }
        __syncthreads();
        if (r0 >= rows) continue; // this warp has no live rows (the loads above still needed it)

        // S = Q K^T for this warp's rows.
#pragma unroll
        for (int j = 0; j < ATT_KEYS / 16; j++) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> s;
            wmma::fill_fragment(s, 0.f);
#pragma unroll
            for (int kk = 0; kk < D; kk += 16) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b;
                wmma::load_matrix_sync(a, Qs + r0 * L::LDQ + kk, L::LDQ);
                wmma::load_matrix_sync(b, Ks + (j * 16) * L::LDQ + kk, L::LDQ);
                wmma::mma_sync(s, a, b, s);
            }
            wmma::store_matrix_sync(Ss + r0 * ATT_LDS_S + j * 16, s, ATT_LDS_S, wmma::mem_row_major);
        }
        __syncwarp();

        // Online softmax, one row at a time across the warp (two keys per lane).
        for (int rr = 0; rr < 16; rr++) {
            int r = r0 + rr;
            int qpos = rowPos[r];
            float s0 = att_score(Ss[r * ATT_LDS_S + lane], k0 + lane, posEnd, qpos, window, scale, softcap);
            float s1 = att_score(Ss[r * ATT_LDS_S + lane + 32], k0 + lane + 32, posEnd, qpos, window, scale, softcap);
            bool ok0 = s0 != NEG_INF, ok1 = s1 != NEG_INF;
            float mOld = rowM[r];
            float mNew = fmaxf(mOld, warp_max(fmaxf(s0, s1)));
            float p0 = 0.f, p1 = 0.f, alpha = 1.f;
            if (mNew != NEG_INF) {
                p0 = ok0 ? expf(s0 - mNew) : 0.f;
                p1 = ok1 ? expf(s1 - mNew) : 0.f;
                alpha = mOld == NEG_INF ? 0.f : expf(mOld - mNew);
            }
            float sum = warp_sum(p0 + p1);
            Ps[r * ATT_LDS_P + lane] = __float2half_rn(p0);
            Ps[r * ATT_LDS_P + lane + 32] = __float2half_rn(p1);
            for (int d = lane; d < D; d += 32) Os[r * L::LDO + d] *= alpha;
            if (lane == 0) {
                rowM[r] = mNew;
                rowL[r] = rowL[r] * alpha + sum;
            }
        }
        __syncwarp();

        // O += P V for this warp's rows.
#pragma unroll
        for (int j = 0; j < D / 16; j++) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> o;
            wmma::load_matrix_sync(o, Os + r0 * L::LDO + j * 16, L::LDO, wmma::mem_row_major);
#pragma unroll
            for (int kk = 0; kk < ATT_KEYS; kk += 16) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b;
                wmma::load_matrix_sync(a, Ps + r0 * ATT_LDS_P + kk, ATT_LDS_P);
                wmma::load_matrix_sync(b, Vs + kk * L::LDQ + j * 16, L::LDQ);
                wmma::mma_sync(o, a, b, o);
            }
            wmma::store_matrix_sync(Os + r0 * L::LDO + j * 16, o, L::LDO, wmma::mem_row_major);
        }
        __syncwarp();
    }
    __syncthreads();
    for (int c = threadIdx.x; c < rows * D; c += ATT_THREADS) {
        int r = c / D, d = c - r * D;
        long long rec = (long long)(partialBase + r / group) * heads + kvh * group + r % group;
        partO[rec * D + d] = Os[r * L::LDO + d];
        if (d == 0) {
            partML[rec * 2] = rowM[r];
            partML[rec * 2 + 1] = rowL[r];
        }
    }
}

// attn_mma: the same work items on the tensor cores' mma.sync instructions directly, so scores,
// probabilities and the running output stay in registers (FlashAttention-2's arrangement: the
// score accumulator of Q K^T is, element for element, the A operand of P V). Key and value tiles
// come through a double-buffered cp.async pipeline, the next tile loading while this one is used.
// Items of at most 16 query rows (decode tokens without a shared prefix) split each 64-key tile
// over the 4 warps, 16 keys each, and write one partial record per warp: record
// partialBase + warp * tokenCount + token; the merge combines them with the rest.

#define MMA_SPLIT_ROWS 16

__device__ __forceinline__ void mma_16816(float* d, const unsigned* a, unsigned b0, unsigned b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ unsigned pack_half2(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    return *(unsigned*)&h;
}

__device__ __forceinline__ unsigned pack_halves(__half lo, __half hi) {
    return (unsigned)__half_as_ushort(lo) | ((unsigned)__half_as_ushort(hi) << 16);
}

template <int D> struct MmaLayout {
    static constexpr int LDQ = D + 8;
    static constexpr int TILE = ATT_KEYS * LDQ; // halves per K or V tile
    static constexpr int BYTES = (ATT_ROWS * LDQ + 4 * TILE) * 2 + ATT_ROWS * 4;
};

// One warp's share of a tile: query rows r0..r0+15 against keys kOff..kOff+KW-1 of the tile.
template <int D, int KW>
__device__ __forceinline__ void mma_tile(const __half* Ks, const __half* Vs, const unsigned (&qf)[D / 16][4],
                                         float (&o)[D / 8][4], float& m0, float& m1, float& l0, float& l1,
                                         int pos0, int pos1, int k0, int kOff, int posEnd, float scale, int window,
                                         float softcap, int lane) {
    constexpr int LDQ = MmaLayout<D>::LDQ;
    int g = lane >> 2, t = lane & 3;
    float sc[KW / 8][4];
#pragma unroll
    for (int j = 0; j < KW / 8; j++) sc[j][0] = sc[j][1] = sc[j][2] = sc[j][3] = 0.f;
#pragma unroll
    for (int kc = 0; kc < D / 16; kc++) {
#pragma unroll
        for (int j = 0; j < KW / 8; j++) {
            const __half* krow = Ks + (kOff + 8 * j + g) * LDQ + 16 * kc + 2 * t;
            mma_16816(sc[j], qf[kc], *(const unsigned*)krow, *(const unsigned*)(krow + 8));
        }
    }
    float mx0 = NEG_INF, mx1 = NEG_INF;
#pragma unroll
    for (int j = 0; j < KW / 8; j++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            int key = k0 + kOff + 8 * j + 2 * t + (e & 1);
            int pos = e < 2 ? pos0 : pos1;
            sc[j][e] = att_score(sc[j][e], key, posEnd, pos, window, scale, softcap);
        }
        mx0 = fmaxf(mx0, fmaxf(sc[j][0], sc[j][1]));
        mx1 = fmaxf(mx1, fmaxf(sc[j][2], sc[j][3]));
    }
    mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
    mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
    mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
    mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
    float n0 = fmaxf(m0, mx0), n1 = fmaxf(m1, mx1);
    float a0 = m0 == NEG_INF ? 0.f : expf(m0 - n0);
    float a1 = m1 == NEG_INF ? 0.f : expf(m1 - n1);
    float sum0 = 0.f, sum1 = 0.f;
#pragma unroll
    for (int j = 0; j < KW / 8; j++) {
        sc[j][0] = sc[j][0] == NEG_INF ? 0.f : expf(sc[j][0] - n0);
        sc[j][1] = sc[j][1] == NEG_INF ? 0.f : expf(sc[j][1] - n0);
        sc[j][2] = sc[j][2] == NEG_INF ? 0.f : expf(sc[j][2] - n1);
        sc[j][3] = sc[j][3] == NEG_INF ? 0.f : expf(sc[j][3] - n1);
        sum0 += sc[j][0] + sc[j][1];
        sum1 += sc[j][2] + sc[j][3];
    }
    sum0 += __shfl_xor_sync(0xffffffffu, sum0, 1);
    sum0 += __shfl_xor_sync(0xffffffffu, sum0, 2);
    sum1 += __shfl_xor_sync(0xffffffffu, sum1, 1);
    sum1 += __shfl_xor_sync(0xffffffffu, sum1, 2);
    l0 = l0 * a0 + sum0;
    l1 = l1 * a1 + sum1;
    m0 = n0;
    m1 = n1;
#pragma unroll
    for (int d = 0; d < D / 8; d++) {
        o[d][0] *= a0; o[d][1] *= a0;
        o[d][2] *= a1; o[d][3] *= a1;
    }
#pragma unroll
    for (int kc = 0; kc < KW / 16; kc++) {
        unsigned a[4] = {pack_half2(sc[2 * kc][0], sc[2 * kc][1]), pack_half2(sc[2 * kc][2], sc[2 * kc][3]),
                         pack_half2(sc[2 * kc + 1][0], sc[2 * kc + 1][1]), pack_half2(sc[2 * kc + 1][2], sc[2 * kc + 1][3])};
        const __half* v0 = Vs + (kOff + 16 * kc + 2 * t) * LDQ + g;
#pragma unroll
        for (int d = 0; d < D / 8; d++) {
            const __half* v = v0 + 8 * d;
            unsigned b0 = pack_halves(v[0], v[LDQ]);
            unsigned b1 = pack_halves(v[8 * LDQ], v[9 * LDQ]);
            mma_16816(o[d], a, b0, b1);
        }
    }
}

template <int D>
__device__ void attn_mma(const __half* __restrict__ q, const __half* __restrict__ kc, const __half* __restrict__ vc,
                         const int* __restrict__ items, const int* __restrict__ itemTokens,
                         const int* __restrict__ positions, const int* __restrict__ blockIds,
                         float* __restrict__ partO, float* __restrict__ partML,
                         int heads, int kvHeads, int blockSize, float scale, int window, float softcap) {
    typedef MmaLayout<D> L;
    constexpr int LDQ = L::LDQ;
    extern __shared__ __align__(128) unsigned char smem[];
    __half* Qs = (__half*)smem;
    __half* Ks = Qs + ATT_ROWS * LDQ;      // two tiles
    __half* Vs = Ks + 2 * L::TILE;         // two tiles
    int* rowPos = (int*)(Vs + 2 * L::TILE);

    const int* item = items + blockIdx.x * 6;
    int tokenStart = item[0], tokenCount = item[1], posStart = item[2], posEnd = item[3];
    const int* table = blockIds + item[4];
    int partialBase = item[5];
    int kvh = blockIdx.y;
    int group = heads / kvHeads;
    int rows = tokenCount * group;
    bool split = rows <= MMA_SPLIT_ROWS;
    int kvDim = kvHeads * D;
    constexpr int chunks = D / 8;
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;

    auto loadTile = [&](int buf, int k0) {
        for (int c = threadIdx.x; c < ATT_KEYS * chunks; c += ATT_THREADS) {
            int i = c / chunks, d8 = (c - i * chunks) * 8;
            int p = k0 + i;
            bool ok = p < posEnd;
            long long off = 0;
            if (ok) off = ((long long)table[p / blockSize] * blockSize + p % blockSize) * kvDim + (long long)kvh * D + d8;
            cp_async16(Ks + buf * L::TILE + i * LDQ + d8, kc + off, ok);
            cp_async16(Vs + buf * L::TILE + i * LDQ + d8, vc + off, ok);
        }
    };
    loadTile(0, posStart);
    cp_async_commit();

    for (int c = threadIdx.x; c < ATT_ROWS * chunks; c += ATT_THREADS) {
        int r = c / chunks, d8 = (c - r * chunks) * 8;
        uint4 v = make_uint4(0, 0, 0, 0);
        if (r < rows) {
            int token = itemTokens[tokenStart + r / group];
            int head = kvh * group + r % group;
            v = *(const uint4*)(q + ((long long)token * heads + head) * D + d8);
        }
        *(uint4*)(Qs + r * LDQ + d8) = v;
    }
    for (int r = threadIdx.x; r < ATT_ROWS; r += ATT_THREADS) {
        rowPos[r] = r < rows ? positions[itemTokens[tokenStart + r / group]] : -1;
    }
    __syncthreads();

    int r0 = split ? 0 : warp * 16;
    bool active = r0 < rows;
    int g = lane >> 2, t = lane & 3;
    unsigned qf[D / 16][4];
    float o[D / 8][4];
#pragma unroll
    for (int kc2 = 0; kc2 < D / 16; kc2++) {
        const __half* qrow = Qs + (r0 + g) * LDQ + 16 * kc2 + 2 * t;
        qf[kc2][0] = *(const unsigned*)qrow;
        qf[kc2][1] = *(const unsigned*)(qrow + 8 * LDQ);
        qf[kc2][2] = *(const unsigned*)(qrow + 8);
        qf[kc2][3] = *(const unsigned*)(qrow + 8 * LDQ + 8);
    }
#pragma unroll
    for (int d = 0; d < D / 8; d++) o[d][0] = o[d][1] = o[d][2] = o[d][3] = 0.f;
    float m0 = NEG_INF, m1 = NEG_INF, l0 = 0.f, l1 = 0.f;
    int pos0 = rowPos[r0 + g], pos1 = rowPos[r0 + g + 8];

    int tile = 0;
    for (int k0 = posStart; k0 < posEnd; k0 += ATT_KEYS, tile++) {
        int buf = tile & 1;
        if (k0 + ATT_KEYS < posEnd) {
            loadTile(buf ^ 1, k0 + ATT_KEYS);
            cp_async_commit();
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();
        if (active) {
            if (split) {
                mma_tile<D, 16>(Ks + buf * L::TILE, Vs + buf * L::TILE, qf, o, m0, m1, l0, l1, pos0, pos1, k0, warp * 16, posEnd, scale, window, softcap, lane);
            } else {
                mma_tile<D, ATT_KEYS>(Ks + buf * L::TILE, Vs + buf * L::TILE, qf, o, m0, m1, l0, l1, pos0, pos1, k0, 0, posEnd, scale, window, softcap, lane);
            }
        }
        __syncthreads(); // the next iteration refills the other buffer, then this one
    }
    if (!active) return;
    int recBase = partialBase + (split ? warp * tokenCount : 0);
#pragma unroll
    for (int half = 0; half < 2; half++) {
        int r = r0 + g + 8 * half;
        if (r >= rows) continue;
        long long rec = (long long)(recBase + r / group) * heads + kvh * group + r % group;
#pragma unroll
        for (int d = 0; d < D / 8; d++) {
            partO[rec * D + 8 * d + 2 * t] = o[d][2 * half];
            partO[rec * D + 8 * d + 2 * t + 1] = o[d][2 * half + 1];
        }
        if (t == 0) {
            partML[rec * 2] = half ? m1 : m0;
            partML[rec * 2 + 1] = half ? l1 : l0;
        }
    }
}

// Token t's partial records are mergeRecs[mergeOffsets[t] .. mergeOffsets[t+1]). Each head's
// record weights exp(m_i - max m) and 1 / sum are computed once into shared memory (up to
// MERGE_RECS records and MERGE_HEADS heads; more take the slower path that recomputes them per
// element), then every output element is one pass over its records.
#define MERGE_RECS 64
#define MERGE_HEADS 64

template <typename T>
__device__ void attn_merge(const float* __restrict__ partO, const float* __restrict__ partML,
                           const int* __restrict__ mergeOffsets, const int* __restrict__ mergeRecs,
                           T* __restrict__ out, int heads, int headDim) {
    __shared__ float weight[MERGE_HEADS * MERGE_RECS];
    __shared__ float invSum[MERGE_HEADS];
    __shared__ int recs[MERGE_RECS];
    int t = blockIdx.x;
    int begin = mergeOffsets[t], count = mergeOffsets[t + 1] - begin;
    T* o = out + (long long)t * heads * headDim;
    if (count <= MERGE_RECS && heads <= MERGE_HEADS) {
        for (int i = threadIdx.x; i < count; i += blockDim.x) recs[i] = mergeRecs[begin + i];
        __syncthreads();
        for (int h = threadIdx.x; h < heads; h += blockDim.x) {
            float m = NEG_INF;
            for (int i = 0; i < count; i++) m = fmaxf(m, partML[((long long)recs[i] * heads + h) * 2]);
            float l = 0.f;
            for (int i = 0; i < count; i++) {
                long long rec = (long long)recs[i] * heads + h;
                float mi = partML[rec * 2];
                float w = mi == NEG_INF ? 0.f : expf(mi - m);
                weight[h * MERGE_RECS + i] = w;
                l += partML[rec * 2 + 1] * w;
            }
            invSum[h] = l > 0.f ? 1.f / l : 0.f;
        }
        __syncthreads();
        for (int e = threadIdx.x; e < heads * headDim; e += blockDim.x) {
            int h = e / headDim, d = e - h * headDim;
            const float* w = weight + h * MERGE_RECS;
            float acc = 0.f;
            for (int i = 0; i < count; i++) {
                if (w[i] != 0.f) acc += partO[((long long)recs[i] * heads + h) * headDim + d] * w[i];
            }
            o[e] = from_float<T>(acc * invSum[h]);
        }
        return;
    }
    for (int e = threadIdx.x; e < heads * headDim; e += blockDim.x) {
        int h = e / headDim, d = e - h * headDim;
        float m = NEG_INF;
        for (int i = 0; i < count; i++) m = fmaxf(m, partML[((long long)mergeRecs[begin + i] * heads + h) * 2]);
        float l = 0.f, acc = 0.f;
        if (m != NEG_INF) {
            for (int i = 0; i < count; i++) {
                long long rec = (long long)mergeRecs[begin + i] * heads + h;
                float mi = partML[rec * 2];
                if (mi == NEG_INF) continue;
                float w = expf(mi - m);
                l += partML[rec * 2 + 1] * w;
                acc += partO[rec * headDim + d] * w;
            }
        }
        o[e] = from_float<T>(l > 0.f ? acc / l : 0.f);
    }
}

// ---------------------------------------------------------------------------------------------
// Sampling on the device: one block per logits row. params row b: temperature, top_k, top_p,
// min_p, and a uniform draw u in [0, 1) from the request's own random stream (drawn on the host,
// so a seeded request gives the same tokens whatever else is in the batch).
// temperature 0: the largest finite logit (lowest id on ties). Otherwise the kept set is the
// top_k largest, then the smallest top set holding top_p of their probability, then those with
// probability at least min_p times the largest's (thresholds found by bisection over the logits'
// order-preserving bit patterns, so ties at a threshold are kept), and the token is where u times
// their total mass falls in id order. A row with no finite logit gets -1.

#define SAMPLE_THREADS 1024

__device__ __forceinline__ unsigned order_key(float f) {
    unsigned b = __float_as_uint(f);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

__device__ __forceinline__ bool usable(float v) { return isfinite(v); }

__device__ int count_at_least(const float* row, int vocab, unsigned key, int* scratch) {
    int n = 0;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float v = row[i];
        n += usable(v) && order_key(v) >= key;
    }
    return block_sum_int(n, scratch);
}

__device__ float mass_at_least(const float* row, int vocab, unsigned key, float top, float invTemp, float* scratch) {
    float s = 0.f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float v = row[i];
        if (usable(v) && order_key(v) >= key) s += expf((v - top) * invTemp);
    }
    return block_sum(s, scratch);
}

extern "C" __global__ void sample_rows(const float* __restrict__ logits, int vocab, const float* __restrict__ params,
                                       int* __restrict__ out) {
    __shared__ float fscratch[32];
    __shared__ int iscratch[32];
    __shared__ float bestV[32];
    __shared__ int bestI[32];
    __shared__ int chosen;
    const float* row = logits + (long long)blockIdx.x * vocab;
    const float* p = params + blockIdx.x * 5;
    float temperature = p[0], topP = p[2], minP = p[3], u = p[4];
    int topK = (int)p[1];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;

    // Largest finite logit, lowest id on ties.
    float bv = NEG_INF;
    int bi = 0x7fffffff;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float v = row[i];
        if (usable(v) && (v > bv || bi == 0x7fffffff)) { bv = v; bi = i; }
    }
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, bv, o);
        int oi = __shfl_xor_sync(0xffffffffu, bi, o);
        if (oi != 0x7fffffff && (bi == 0x7fffffff || ov > bv || (ov == bv && oi < bi))) { bv = ov; bi = oi; }
    }
    if (lane == 0) { bestV[warp] = bv; bestI[warp] = bi; }
    __syncthreads();
    if (threadIdx.x == 0) {
        float v = NEG_INF;
        int id = 0x7fffffff;
        for (int w = 0; w < (int)(blockDim.x >> 5); w++) {
            if (bestI[w] != 0x7fffffff && (id == 0x7fffffff || bestV[w] > v || (bestV[w] == v && bestI[w] < id))) {
                v = bestV[w];
                id = bestI[w];
            }
        }
        bestV[0] = v;
        bestI[0] = id;
        chosen = id == 0x7fffffff ? -1 : id;
    }
    __syncthreads();
    float top = bestV[0];
    if (temperature == 0.f || chosen < 0) {
        if (threadIdx.x == 0) out[blockIdx.x] = chosen;
        return;
    }
    float invTemp = 1.f / temperature;

    unsigned threshold = 0; // keep finite logits whose key is >= threshold
    if (topK > 0 && topK < vocab) {
        unsigned lo = 0, hi = order_key(top); // invariant: count(key >= lo) >= topK, or lo == 0
        while (lo < hi) {
            unsigned mid = lo + (hi - lo + 1) / 2;
            if (count_at_least(row, vocab, mid, iscratch) >= topK) lo = mid; else hi = mid - 1;
        }
        threshold = lo;
    }
    if (topP < 1.f) {
        float total = mass_at_least(row, vocab, threshold, top, invTemp, fscratch);
        unsigned lo = threshold, hi = order_key(top);
        while (lo < hi) {
            unsigned mid = lo + (hi - lo + 1) / 2;
            if (mass_at_least(row, vocab, mid, top, invTemp, fscratch) >= topP * total) lo = mid; else hi = mid - 1;
        }
        threshold = lo;
    }
    if (minP > 0.f) {
        unsigned cut = order_key(top + temperature * logf(minP));
        if (cut > threshold) threshold = cut;
    }

    // Draw: each thread owns a contiguous id range; a block scan finds the range where u * total falls.
    int per = (vocab + blockDim.x - 1) / blockDim.x;
    int start = threadIdx.x * per, end = min(vocab, start + per);
    float local = 0.f;
    int lastKept = -1;
    for (int i = start; i < end; i++) {
        float v = row[i];
        if (usable(v) && order_key(v) >= threshold) { local += expf((v - top) * invTemp); lastKept = i; }
    }
    float incl = local;
    for (int o = 1; o < 32; o <<= 1) {
        float n = __shfl_up_sync(0xffffffffu, incl, o);
        if (lane >= o) incl += n;
    }
    if (lane == 31) fscratch[warp] = incl;
    __syncthreads();
    if (warp == 0) {
        float w = lane < (int)(blockDim.x >> 5) ? fscratch[lane] : 0.f;
        for (int o = 1; o < 32; o <<= 1) {
            float n = __shfl_up_sync(0xffffffffu, w, o);
            if (lane >= o) w += n;
        }
        fscratch[lane] = w; // inclusive totals of warps
    }
    __syncthreads();
    float warpBefore = warp > 0 ? fscratch[warp - 1] : 0.f;
    float total = fscratch[(blockDim.x >> 5) - 1];
    float before = warpBefore + incl - local;
    float target = u * total;
    __shared__ int picked, lastAny;
    if (threadIdx.x == 0) { picked = 0x7fffffff; lastAny = -1; }
    __syncthreads();
    if (local > 0.f) {
        atomicMax(&lastAny, lastKept); // if rounding leaves target past every range: the last kept id
        if (target >= before && target < before + local) {
            float acc = before;
            int pick = lastKept;
            for (int i = start; i < end; i++) {
                float v = row[i];
                if (usable(v) && order_key(v) >= threshold) {
                    acc += expf((v - top) * invTemp);
                    if (acc > target) { pick = i; break; }
                }
            }
            atomicMin(&picked, pick);
        }
    }
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = picked != 0x7fffffff ? picked : lastAny;
}


// ---------------------------------------------------------------------------------------------
// Hopper (sm_90a only): the matrix product on warpgroup MMA (wgmma), the H100's full-rate
// tensor-core path. A block of 2 warpgroups computes 128 x 128 outputs, each warpgroup 64 rows,
// in k steps of 64 (four m64n128k16 instructions). Tiles come through a 3-stage cp.async pipeline
// into shared memory laid out as wgmma's 128-byte swizzle wants it: row r of a tile is 128 bytes
// (64 values), its 16-byte chunk c stored at chunk c ^ (r % 8); the descriptors say so. Compiled
// only into the sm_90a cubin; the host checks it against the other kernels before using it.
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define WG_BM 128
#define WG_BN 128
#define WG_BK 64
#define WG_STAGES 3
#define WG_TILE_BYTES (128 * 128)

struct bf16_t {};
struct f16_t {};
template <typename K> struct WgMma;
template <> struct WgMma<bf16_t> {
    static __device__ __forceinline__ void run(float* d, unsigned long long a, unsigned long long b) {
        asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
                     "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 "
                     "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, %64, %65, p, 1, 1, 0, 0;\n}\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
                     : "l"(a), "l"(b), "r"(1));
    }
};
template <> struct WgMma<f16_t> {
    static __device__ __forceinline__ void run(float* d, unsigned long long a, unsigned long long b) {
        asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
                     "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 "
                     "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, %64, %65, p, 1, 1, 0, 0;\n}\n"
                     : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
                     : "l"(a), "l"(b), "r"(1));
    }
};

template <typename T> struct WgKind;
template <> struct WgKind<__nv_bfloat16> { typedef bf16_t type; };
template <> struct WgKind<__half> { typedef f16_t type; };

// Shared-memory matrix descriptor: start address, leading offset 16 B (unused with this swizzle),
// stride 1024 B between 8-row groups, 128-byte swizzle.
__device__ __forceinline__ unsigned long long wg_desc(const void* p) {
    unsigned long long addr = (unsigned)__cvta_generic_to_shared(p);
    return ((addr & 0x3FFFF) >> 4) | (1ull << 16) | ((unsigned long long)(1024 >> 4) << 32) | (1ull << 62);
}

template <typename T>
__device__ void gemm_wg(const T* __restrict__ X, const T* __restrict__ W, float* __restrict__ Y,
                        int M, int N, int K, int accumulate, int kChunk, long long splitStride) {
    extern __shared__ __align__(1024) unsigned char smem_raw[];
    // The swizzle pattern repeats every 1024 bytes: align the tiles to that.
    unsigned char* smem = (unsigned char*)(((unsigned long long)smem_raw + 1023) & ~1023ull);
    int m0 = blockIdx.x * WG_BM, n0 = blockIdx.y * WG_BN;
    int kBegin = blockIdx.z * kChunk, kEnd = min(K, kBegin + kChunk);
    int kTiles = (kEnd - kBegin + WG_BK - 1) / WG_BK;
    Y += blockIdx.z * splitStride;
    int tid = threadIdx.x, wg = tid >> 7;

    auto load = [&](int stage, int kt) {
        unsigned char* a = smem + stage * 2 * WG_TILE_BYTES;
        unsigned char* b = a + WG_TILE_BYTES;
        int k0 = kBegin + kt * WG_BK;
#pragma unroll
        for (int c = tid; c < 128 * 8; c += 256) {
            int r = c >> 3, ch = c & 7;
            int gk = k0 + ch * 8;
            int off = r * 128 + ((ch ^ (r & 7)) << 4);
            bool okA = m0 + r < M && gk < kEnd;
            cp_async16(a + off, okA ? X + (long long)(m0 + r) * K + gk : X, okA);
            bool okB = n0 + r < N && gk < kEnd;
            cp_async16(b + off, okB ? W + (long long)(n0 + r) * K + gk : W, okB);
        }
    };

    float d[64];
#pragma unroll
    for (int i = 0; i < 64; i++) d[i] = 0.f;
#pragma unroll
    for (int s = 0; s < WG_STAGES - 1; s++) {
        if (s < kTiles) load(s, s);
        cp_async_commit();
    }
    // Tile kt's instructions are issued before waiting for tile kt-1's, so the tensor cores always
    // have the next group queued; tile kt-1's stage is refilled only once every warpgroup is done with it.
    for (int kt = 0; kt < kTiles; kt++) {
        cp_async_wait<WG_STAGES - 2>();
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory"); // cp.async writes, then tensor-core reads
        __syncthreads();
        const unsigned char* a = smem + (kt % WG_STAGES) * 2 * WG_TILE_BYTES + wg * 64 * 128;
        const unsigned char* b = smem + (kt % WG_STAGES) * 2 * WG_TILE_BYTES + WG_TILE_BYTES;
        asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#pragma unroll
        for (int kk = 0; kk < 4; kk++) {
            WgMma<typename WgKind<T>::type>::run(d, wg_desc(a + kk * 32), wg_desc(b + kk * 32));
        }
        asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
        asm volatile("wgmma.wait_group.sync.aligned 1;\n" ::: "memory");
        __syncthreads(); // every warpgroup's tile kt-1 instructions are done: its stage may be refilled
        int next = kt + WG_STAGES - 1;
        if (next < kTiles) load(next % WG_STAGES, next);
        cp_async_commit();
    }
    asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
    cp_async_wait<0>();
    int lane = tid & 31, w = (tid >> 5) & 3, g = lane >> 2, t = lane & 3;
#pragma unroll
    for (int half = 0; half < 2; half++) {
        int gr = m0 + wg * 64 + w * 16 + g + 8 * half;
        if (gr >= M) continue;
#pragma unroll
        for (int j = 0; j < 16; j++) {
            int gc = n0 + j * 8 + 2 * t;
            long long o = (long long)gr * N + gc;
            float v0 = d[4 * j + 2 * half], v1 = d[4 * j + 2 * half + 1];
            if (gc < N) Y[o] = (accumulate ? Y[o] : 0.f) + v0;
            if (gc + 1 < N) Y[o + 1] = (accumulate ? Y[o + 1] : 0.f) + v1;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_wg_128x128(const __nv_bfloat16* X, const __nv_bfloat16* W, float* Y,
        int M, int N, int K, int accumulate, int kChunk, long long splitStride) {
    gemm_wg<__nv_bfloat16>(X, W, Y, M, N, K, accumulate, kChunk, splitStride);
}
extern "C" __global__ void __launch_bounds__(256) gemm_f16_wg_128x128(const __half* X, const __half* W, float* Y,
        int M, int N, int K, int accumulate, int kChunk, long long splitStride) {
    gemm_wg<__half>(X, W, Y, M, N, K, accumulate, kChunk, splitStride);
}
#endif

// ---------------------------------------------------------------------------------------------
// Entry points for each compute type.

#define FOR_TYPE(SUFFIX, T)                                                                                 \
    extern "C" __global__ void embed_##SUFFIX(const T* table, const int* tokens, float* x, int dim,           \
                                              float scale) {                                                  \
        embed<T>(table, tokens, x, dim, scale);                                                               \
    }                                                                                                         \
    extern "C" __global__ void rmsnorm_##SUFFIX(const float* x, const float* w, T* out, const int* rows,       \
                                                int dim, float eps) {                                          \
        rmsnorm<T>(x, w, out, rows, dim, eps);                                                                \
    }                                                                                                         \
    extern "C" __global__ void swiglu_##SUFFIX(const float* gateUp, T* out, int ffn, long long total) {       \
        swiglu<T>(gateUp, out, ffn, total);                                                                   \
    }                                                                                                         \
    extern "C" __global__ void geglu_##SUFFIX(const float* gateUp, T* out, int ffn, long long total) {        \
        geglu<T>(gateUp, out, ffn, total);                                                                    \
    }                                                                                                         \
    extern "C" __global__ void attn_merge_##SUFFIX(const float* partO, const float* partML,                   \
                                                   const int* mergeOffsets, const int* mergeRecs, T* out,     \
                                                   int heads, int headDim) {                                  \
        attn_merge<T>(partO, partML, mergeOffsets, mergeRecs, out, heads, headDim);                           \
    }                                                                                                         \
    extern "C" __global__ void fill_random_##SUFFIX(T* w, long long n, unsigned long long seed, float scale) { \
        fill_random<T>(w, n, seed, scale);                                                                    \
    }

FOR_TYPE(f16, __half)
FOR_TYPE(bf16, __nv_bfloat16)

// gemm_<type>_<BM>x<BN>_<WM>x<WN>_k<BK>: threads 32*WM*WN; gemm_smem_bytes lists the dynamic
// shared memory of each, in the order of GEMM_SHAPES (GemmShapes on the Java side repeats it).
#define GEMM_VARIANT(SUFFIX, T, BM, BN, BK, WM, WN)                                                               \
    extern "C" __global__ void __launch_bounds__(32 * WM * WN) gemm_##SUFFIX##_##BM##x##BN##_##WM##x##WN##_k##BK( \
        const T* X, const T* W, float* Y, int M, int N, int K, int accumulate, int kChunk, long long splitStride) { \
        gemm_nt<T, BM, BN, BK, WM, WN>(X, W, Y, M, N, K, accumulate, kChunk, splitStride);                          \
    }
#define GEMM_SHAPES(X, SUFFIX, T)          \
    X(SUFFIX, T, 128, 64, 32, 2, 2)        \
    X(SUFFIX, T, 64, 64, 32, 2, 2)         \
    X(SUFFIX, T, 128, 128, 32, 2, 2)       \
    X(SUFFIX, T, 128, 64, 64, 2, 2)        \
    X(SUFFIX, T, 64, 64, 64, 2, 2)         \
    X(SUFFIX, T, 128, 128, 64, 2, 2)       \
    X(SUFFIX, T, 256, 128, 32, 4, 2)
GEMM_SHAPES(GEMM_VARIANT, f16, __half)
GEMM_SHAPES(GEMM_VARIANT, bf16, __nv_bfloat16)

// gemm_<type>_mma_<BM>x<BN>_<WM>x<WN>: the mma.sync kernel, after the wmma ones in gemm_smem_bytes.
#define GEMM_MMA_VARIANT(SUFFIX, T, BM, BN, WM, WN)                                                              \
    extern "C" __global__ void __launch_bounds__(32 * WM * WN) gemm_##SUFFIX##_mma_##BM##x##BN##_##WM##x##WN(     \
        const T* X, const T* W, float* Y, int M, int N, int K, int accumulate, int kChunk, long long splitStride) { \
        gemm_mma<T, BM, BN, WM, WN>(X, W, Y, M, N, K, accumulate, kChunk, splitStride);                             \
    }
#define GEMM_MMA_SHAPES(X, SUFFIX, T) \
    X(SUFFIX, T, 128, 128, 2, 4)      \
    X(SUFFIX, T, 128, 256, 2, 4)      \
    X(SUFFIX, T, 64, 128, 2, 2)
GEMM_MMA_SHAPES(GEMM_MMA_VARIANT, f16, __half)
GEMM_MMA_SHAPES(GEMM_MMA_VARIANT, bf16, __nv_bfloat16)

#define GEMM_SMEM(SUFFIX, T, BM, BN, BK, WM, WN) out[i++] = GemmSmem<BM, BN, BK>::BYTES;
#define GEMM_MMA_SMEM(SUFFIX, T, BM, BN, WM, WN) out[i++] = MmaGemmSmem<BM, BN>::BYTES;
extern "C" __global__ void gemm_smem_bytes(int* out) {
    int i = 0;
    GEMM_SHAPES(GEMM_SMEM, f16, __half)
    GEMM_MMA_SHAPES(GEMM_MMA_SMEM, f16, __half)
}

#define FOR_HEAD_DIM(D)                                                                                      \
    extern "C" __global__ void __launch_bounds__(ATT_THREADS) attn_partial_d##D(                              \
        const __half* q, const __half* kc, const __half* vc, const int* items, const int* itemTokens,        \
        const int* positions, const int* blockIds, float* partO, float* partML, int heads, int kvHeads,     \
        int blockSize, float scale, int window, float softcap) {                                             \
        attn_partial<D>(q, kc, vc, items, itemTokens, positions, blockIds, partO, partML, heads, kvHeads,    \
                        blockSize, scale, window, softcap);                                                  \
    }                                                                                                        \
    extern "C" __global__ void __launch_bounds__(ATT_THREADS) attn_mma_d##D(                                  \
        const __half* q, const __half* kc, const __half* vc, const int* items, const int* itemTokens,        \
        const int* positions, const int* blockIds, float* partO, float* partML, int heads, int kvHeads,     \
        int blockSize, float scale, int window, float softcap) {                                             \
        attn_mma<D>(q, kc, vc, items, itemTokens, positions, blockIds, partO, partML, heads, kvHeads,        \
                    blockSize, scale, window, softcap);                                                      \
    }                                                                                                        \
    extern "C" __global__ void attn_smem_bytes_d##D(int* out) {                                              \
        out[0] = AttLayout<D>::BYTES;                                                                        \
        out[1] = MmaLayout<D>::BYTES;                                                                        \
    }

FOR_HEAD_DIM(64)
FOR_HEAD_DIM(128)
FOR_HEAD_DIM(256) // Gemma 2 and 3 (all but the 27B models)

// Converts float values to the compute type (host-side dequantized weights arrive as float).
extern "C" __global__ void f32_to_f16(const float* in, __half* out, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __float2half_rn(in[i]);
}
extern "C" __global__ void f32_to_bf16(const float* in, __nv_bfloat16* out, long long n) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = __float2bfloat16_rn(in[i]);
}
