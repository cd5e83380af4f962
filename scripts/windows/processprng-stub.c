/* Wine 8 lacks bcryptprimitives!ProcessPrng, which Rust's std uses for random numbers on Windows.
   This stub forwards it to advapi32!SystemFunction036 (RtlGenRandom), which Wine has. Test use only. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
