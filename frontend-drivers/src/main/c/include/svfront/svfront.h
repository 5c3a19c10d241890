/*
 * svfront/svfront.h: the split-driver frontends of libsvfront.a, in one include.
 *
 *   blkfront.h   block devices (device/vbd/<id>)
 *   netfront.h   network interfaces (device/vif/<id>)
 *   consfront.h  secondary consoles (device/console/<id>)
 *   vrngfront.h  the entropy device (device/vrng/<id>), the worked example of WRITING-A-DRIVER.md
 *   front.h      what they share: the handshake, the event channel, the close
 *   pool.h       pages granted once and reused for every request
 *   blkring.h, netring.h, consring.h, vrngring.h   the ring logic without platform code
 *   util.h       CRC-32, the test data pattern, MAC addresses
 *   io.h         one disk / NIC / console API over these frontends or the emulated-device drivers
 *                (ata.h, ne2000.h, uart16550.h); see docs/GUEST-SDK.md section 10
 *
 * Link with libsvfront.a before the SDK's libraries. See docs/GUEST-SDK.md, "Split-driver
 * frontends".
 */
#ifndef SVFRONT_SVFRONT_H
#define SVFRONT_SVFRONT_H

#include "svfront/blkfront.h"
#include "svfront/consfront.h"
#include "svfront/front.h"
#include "svfront/io.h"
#include "svfront/netfront.h"
#include "svfront/pool.h"
#include "svfront/util.h"
#include "svfront/vrngfront.h"

#endif /* SVFRONT_SVFRONT_H */
