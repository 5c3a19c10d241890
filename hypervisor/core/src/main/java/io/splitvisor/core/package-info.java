/** The hypervisor core: domains and the Xen-style services they use. */
package io.splitvisor.core;
