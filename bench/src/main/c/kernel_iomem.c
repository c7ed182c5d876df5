/*
 * The C anchor of benchmark B2: the copy algorithm of the Linux kernel's
 * arch/x86/lib/iomem.c (device side aligned with a 1-byte then a 2-byte access, a body of
 * 4-byte accesses, a 2- then 1-byte tail, ascending), with every device access a single
 * volatile load or store, as iomem does it. Not the kernel's code: the kernel moves the body
 * with "rep movsl", a string move that iomem forbids on a BAR, so the fair anchor is the same
 * access sequence issued one access at a time. Compiled by bench/run with gcc -O2.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t load32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t load16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline void store32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void store16(void *p, uint16_t v) { memcpy(p, &v, 2); }

void anchor_memcpy_toio(volatile uint8_t *to, const uint8_t *from, size_t n)
{
    if (n == 0)
        return;
    if ((uintptr_t)to & 1) {
        *to = *from; to++; from++; n--;
    }
    if (n > 1 && ((uintptr_t)to & 2)) {
        *(volatile uint16_t *)to = load16(from); to += 2; from += 2; n -= 2;
    }
    for (size_t i = n / 4; i > 0; i--) {
        *(volatile uint32_t *)to = load32(from); to += 4; from += 4;
    }
    if (n & 2) {
        *(volatile uint16_t *)to = load16(from); to += 2; from += 2;
    }
    if (n & 1)
        *to = *from;
}

void anchor_memcpy_fromio(uint8_t *to, const volatile uint8_t *from, size_t n)
{
    if (n == 0)
        return;
    if ((uintptr_t)from & 1) {
        *to = *from; to++; from++; n--;
    }
    if (n > 1 && ((uintptr_t)from & 2)) {
        store16(to, *(const volatile uint16_t *)from); to += 2; from += 2; n -= 2;
    }
    for (size_t i = n / 4; i > 0; i--) {
        store32(to, *(const volatile uint32_t *)from); to += 4; from += 4;
    }
    if (n & 2) {
        store16(to, *(const volatile uint16_t *)from); to += 2; from += 2;
    }
    if (n & 1)
        *to = *from;
}

void anchor_memset_io(volatile uint8_t *to, int c, size_t n)
{
    uint32_t v4 = 0x01010101u * (uint8_t)c;
    if (n == 0)
        return;
    if ((uintptr_t)to & 1) {
        *to = (uint8_t)c; to++; n--;
    }
    if (n > 1 && ((uintptr_t)to & 2)) {
        *(volatile uint16_t *)to = (uint16_t)v4; to += 2; n -= 2;
    }
    for (size_t i = n / 4; i > 0; i--) {
        *(volatile uint32_t *)to = v4; to += 4;
    }
    if (n & 2) {
        *(volatile uint16_t *)to = (uint16_t)v4; to += 2;
    }
    if (n & 1)
        *to = (uint8_t)c;
}
