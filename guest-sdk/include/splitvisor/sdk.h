/*
 * splitvisor/sdk.h: everything a guest program needs, in one include.
 *
 *   #include <splitvisor/sdk.h>
 *   int main(void) { sv_printf("Hello from domain %u\n", sv_domid()); return 0; }
 *
 * See docs/GUEST-SDK.md.
 */
#ifndef SPLITVISOR_SDK_H
#define SPLITVISOR_SDK_H

#include "splitvisor/abi.h"          /* generated: messages, layouts, constants, sv_hc_* */
#include "splitvisor/arch.h"
#include "splitvisor/console.h"
#include "splitvisor/cpu.h"
#include "splitvisor/events.h"
#include "splitvisor/grant.h"
#include "splitvisor/hypercall.h"
#include "splitvisor/mm.h"
#include "splitvisor/printf.h"
#include "splitvisor/ring.h"
#include "splitvisor/runtime.h"
#include "splitvisor/store.h"
#include "splitvisor/string.h"
#include "splitvisor/time.h"
#include "splitvisor/xenbus.h"

#endif /* SPLITVISOR_SDK_H */
