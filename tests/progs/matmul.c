/* Integer matrix multiply (naive and transposed/blocked), checked against each other. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { N = 96 };
static int32_t A[N][N], B[N][N], C[N][N], D[N][N], BT[N][N];

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (i * 7 + j * 3) % 19 - 9;
            B[i][j] = (i * 5 - j * 11) % 23;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) BT[j][i] = B[i][j];
    memset(D, 0, sizeof D);
    enum { BS = 16 };
    for (int ii = 0; ii < N; ii += BS)
        for (int jj = 0; jj < N; jj += BS)
            for (int i = ii; i < ii + BS; i++)
                for (int j = jj; j < jj + BS; j++) {
                    int32_t s = 0;
                    for (int k = 0; k < N; k++) s += A[i][k] * BT[j][k];
                    D[i][j] = s;
                }
    int same = memcmp(C, D, sizeof C) == 0;
    int64_t trace = 0, total = 0;
    uint32_t h = 0;
    for (int i = 0; i < N; i++) {
        trace += C[i][i];
        for (int j = 0; j < N; j++) { total += C[i][j]; h = h * 16777619u ^ (uint32_t)C[i][j]; }
    }
    printf("same %d trace %lld total %lld hash %08x c[3][5]=%d\n", same, (long long)trace,
           (long long)total, h, C[3][5]);
    /* 3x3 power of a matrix mod 1e9+7 with 64-bit intermediates. */
    int64_t M[3][3] = {{1, 1, 0}, {1, 0, 1}, {0, 1, 1}}, R[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    const int64_t MOD = 1000000007;
    for (unsigned e = 1000000; e; e >>= 1) {
        int64_t T[3][3];
        if (e & 1) {
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
                T[i][j] = 0;
                for (int k = 0; k < 3; k++) T[i][j] = (T[i][j] + R[i][k] * M[k][j]) % MOD;
            }
            memcpy(R, T, sizeof R);
        }
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) {
            T[i][j] = 0;
            for (int k = 0; k < 3; k++) T[i][j] = (T[i][j] + M[i][k] * M[k][j]) % MOD;
        }
        memcpy(M, T, sizeof M);
    }
    printf("matpow %lld %lld %lld\n", (long long)R[0][0], (long long)R[1][2], (long long)R[2][1]);
    return 0;
}
