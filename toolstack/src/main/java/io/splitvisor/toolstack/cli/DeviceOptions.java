package io.splitvisor.toolstack.cli;

import io.splitvisor.backend.DeviceException;
import io.splitvisor.backend.Dom0Backends;
import io.splitvisor.backend.net.MacAddress;
import io.splitvisor.backend.net.SwitchSegment;
import io.splitvisor.core.devices.EmulatedDevice;
import io.splitvisor.core.devices.emulated.EmulatedDevices;
import io.splitvisor.core.domain.Domain;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;

/**
 * The split-driver devices of {@code run}: every guest gets each device listed, plugged in (both
 * store directories written) before it starts.
 *
 * <pre>
 *   --disk IMAGE[:ro]   a raw image as xvda, xvdb, ... (vbd 51712, 51728, ...); :ro for read-only
 *   --nic [MAC]         a network interface on dom0's switch svbr0 (vif 0, 1, ...); without a MAC,
 *                       00:16:3e:&lt;domid&gt;:&lt;index&gt;
 *   --rng               the entropy device (vrng 0)
 *   --console NAME      a secondary console (console 1, 2, ...), printed as [domid:guest/NAME]
 * </pre>
 * and the emulated PC devices (port I/O, every access an exit; PLATFORM.md section 7):
 * <pre>
 *   --uart              a 16550A UART at 0x3F8 on the guest's console
 *   --ata IMAGE[:ro]    an ATA disk, primary master (0x1F0-0x1F7, 0x3F6), PIO, on a raw image
 *   --ne2000[=MAC]      an NE2000 at 0x300 on dom0's switch svbr0 (with the --nic vifs); without a MAC,
 *                       00:16:3e:&lt;domid hi&gt;:&lt;domid lo&gt;:e0
 * </pre>
 */
public final class DeviceOptions {
    @Option(names = "--disk", paramLabel = "IMAGE[:ro]",
            description = "attach a raw disk image (xvda, xvdb, ...); :ro attaches it read-only")
    private List<String> disks = new ArrayList<>();

    @Option(names = "--nic", paramLabel = "MAC", arity = "0..1", parameterConsumer = OptionalMac.class,
            description = "attach a network interface on dom0's switch, with MAC or a generated address")
    private List<String> nics = new ArrayList<>();

    @Option(names = "--rng", description = "attach the entropy device (vrng)")
    private boolean rng;

    @Option(names = "--console", paramLabel = "NAME", description = "attach a secondary console named NAME")
    private List<String> consoles = new ArrayList<>();

    @Option(names = "--uart", description = "attach an emulated 16550A UART at 0x3F8 on the guest's console")
    private boolean uart;

    @Option(names = "--ata", paramLabel = "IMAGE[:ro]",
            description = "attach an emulated ATA disk (primary master, PIO) on a raw image; :ro for read-only")
    private String ata;

    @Option(names = "--ne2000", paramLabel = "MAC", arity = "0..1", parameterConsumer = OptionalMac.class,
            description = "attach an emulated NE2000 at 0x300 on dom0's switch, with MAC or a generated address")
    private List<String> ne2000 = new ArrayList<>();

    @Option(names = "--batch-string-io",
            description = "hand REP INS/OUTS to the emulated devices up to a page per exit (as KVM does) instead of "
                    + "one exit per element")
    private boolean batchStringIo;

    /** True when --batch-string-io was given. */
    boolean batchStringIo() {
        return batchStringIo;
    }

    /** A parsed --disk. */
    record Disk(Path image, boolean readOnly) {
    }

    /** True when no device was asked for. */
    boolean none() {
        return disks.isEmpty() && nics.isEmpty() && !rng && consoles.isEmpty();
    }

    /**
     * Checks the options for {@code guests} guests; returns the problem in one line, or null.
     * Images must exist; a writable image, or an explicit MAC, cannot be given to several guests.
     */
    String check(int guests) {
        List<String> images = new ArrayList<>(disks.stream().map(d -> "--disk " + d).toList());
        if (ata != null) {
            images.add("--ata " + ata);
        }
        for (String option : images) {
            String value = option.substring(option.indexOf(' ') + 1);
            Disk disk = parseDisk(value);
            if (!Files.isRegularFile(disk.image())) {
                return option + ": " + (Files.exists(disk.image()) ? "not a regular file" : "no such file");
            }
            if (!disk.readOnly() && guests > 1) {
                return option + ": a writable image cannot be shared by " + guests + " guests; add :ro";
            }
        }
        if (disks.size() > 16) {
            return "at most 16 --disk options (xvda to xvdp)";
        }
        if (ne2000.size() > 1) {
            return "--ne2000: one NE2000 per guest (0x300)";
        }
        if (!ne2000.isEmpty() && !ne2000.get(0).isEmpty() && guests > 1) {
            return "--ne2000 " + ne2000.get(0) + ": an explicit MAC cannot be given to " + guests + " guests; use --ne2000 alone";
        }
        for (String n : nics) {
            if (!n.isEmpty() && guests > 1) {
                return "--nic " + n + ": an explicit MAC cannot be given to " + guests + " guests; use --nic alone";
            }
        }
        for (String c : consoles) {
            if (!c.matches("[A-Za-z0-9_-]{1,32}")) {
                return "--console " + c + ": a name is 1 to 32 of A-Z a-z 0-9 _ -";
            }
        }
        return null;
    }

    static Disk parseDisk(String text) {
        if (text.endsWith(":ro")) {
            return new Disk(Path.of(text.substring(0, text.length() - 3)), true);
        }
        if (text.endsWith(":rw")) {
            return new Disk(Path.of(text.substring(0, text.length() - 3)), false);
        }
        return new Disk(Path.of(text), false);
    }

    /** The emulated devices to build each guest with (an NE2000 joins {@code backends}' switch). */
    List<EmulatedDevice> emulated(Dom0Backends backends) {
        List<EmulatedDevice> list = new ArrayList<>();
        if (uart) {
            list.add(EmulatedDevices.uart());
        }
        if (ata != null) {
            Disk disk = parseDisk(ata);
            list.add(EmulatedDevices.ataDisk(disk.image(), disk.readOnly()));
        }
        if (!ne2000.isEmpty()) {
            String mac = ne2000.get(0);
            list.add(EmulatedDevices.ne2000(new SwitchSegment(backends.bridge()),
                    mac.isEmpty() ? EmulatedDevices.GENERATED_MAC : MacAddress.parse(mac)));
        }
        return list;
    }

    /**
     * Plugs every device into {@code guest}.
     *
     * @throws DeviceException (one line) when a device cannot be attached
     */
    void attach(Dom0Backends backends, Domain guest) {
        for (int i = 0; i < disks.size(); i++) {
            Disk d = parseDisk(disks.get(i));
            backends.attachDisk(guest.domid(), i, d.image(), d.readOnly());
        }
        for (int i = 0; i < nics.size(); i++) {
            String mac = nics.get(i);
            if (mac.isEmpty()) {
                backends.attachNic(guest.domid(), i);
            } else {
                backends.attachNic(guest.domid(), i, MacAddress.parse(mac));
            }
        }
        if (rng) {
            backends.attachRng(guest.domid(), 0);
        }
        for (int i = 0; i < consoles.size(); i++) {
            backends.attachConsole(guest.domid(), i + 1, consoles.get(i));
        }
    }

    /**
     * {@code --nic} and {@code --ne2000} take the next argument only when it is a MAC address, so
     * {@code run --nic guest.elf} attaches a NIC with a generated address to guest.elf
     * ({@code --ne2000=MAC} works too).
     */
    static final class OptionalMac implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            String value = "";
            if (!args.isEmpty() && args.peek().matches("\\p{XDigit}{2}([:-]\\p{XDigit}{2}){5}")) {
                value = args.pop();
            }
            List<String> list = argSpec.getValue();
            if (list == null) {
                list = new ArrayList<>();
            }
            list.add(value);
            argSpec.setValue(list);
        }
    }
}
