package io.splitvisor.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitvisor.x86.disasm.Disassembler;
import io.splitvisor.x86.support.CPrograms;
import io.splitvisor.x86.support.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The disassembler agrees with GNU objdump -M intel on every instruction of the compiled test programs. */
class DisassemblerTest {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\s+((?:[0-9a-f]{2} )+)\\s*(.*)$");

    static String normalize(String s) {
        s = s.replaceAll("<[^>]*>", "").replaceAll("#.*$", "");
        s = s.replace("0x", "");
        return s.trim().replaceAll("\\s+", " ").replaceAll(" ,", ",");
    }

    private static List<String> compare(Path binary) {
        return compare(binary, 100);
    }

    private static List<String> compare(Path binary, int minimum) {
        Tools.require("objdump");
        String dump = Tools.run(binary.getParent(), List.of("objdump", "-d", "-w", "-M", "intel", "--insn-width=16",
                binary.toString()));
        List<String> diffs = new ArrayList<>();
        int checked = 0;
        for (String line : dump.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches() || m.group(3).isEmpty() || m.group(3).startsWith("(bad)")) {
                continue;
            }
            long address = Long.parseLong(m.group(1), 16);
            byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(m.group(2).trim());
            String ours = new Disassembler().disassemble(va -> bytes[(int) (va - address)] & 0xFF, address);
            checked++;
            if (!normalize(ours).equals(normalize(m.group(3)))) {
                diffs.add(m.group(2).trim() + "  objdump: " + m.group(3).trim() + "  ours: " + ours);
            }
        }
        assertTrue(checked >= minimum, "too few instructions compared in " + binary + ": " + checked);
        return diffs;
    }

    private static final String FORMS = """
            rep movsb
            rep movsq
            repz cmpsb
            repnz scasb
            rep stosd
            lodsw
            insb
            outsd
            in al, dx
            in eax, 0x60
            out 0x80, al
            out dx, ax
            mov rax, cr0
            mov cr3, rdi
            mov cr8, rax
            lgdt [rax]
            sidt [rbx + 8]
            ltr ax
            invlpg [rcx]
            swapgs
            rdtscp
            rdmsr
            wrmsr
            cpuid
            hlt
            cli
            sti
            int 0x80
            int3
            iretq
            ud2
            xchg rbx, rax
            xchg r8, rax
            lock xadd [rdi], eax
            lock cmpxchg [rsi + 8], rcx
            cmpxchg16b [rdi]
            cmpxchg8b [rdi]
            bswap r12
            shld rax, rbx, 5
            shrd eax, edx, cl
            rcl byte ptr [rax], 1
            ror r9w, cl
            bts qword ptr [rax], 63
            btc ecx, edx
            popcnt rax, [rbx]
            lzcnt ecx, edx
            tzcnt r8, r9
            movabs rax, 0x1122334455667788
            mov al, ah
            mov sil, dil
            movsx r10, byte ptr [r11 + r12 * 8 - 0x80]
            movzx eax, word ptr fs:[rax]
            mov rax, qword ptr gs:0x28
            lea eax, [eax + ecx * 2]
            push fs
            pop gs
            pushfq
            popfq
            enter 0x20, 0
            leave
            loop .
            jrcxz .
            cqo
            cbw
            sahf
            lahf
            cmc
            std
            xlatb
            clflush [rax]
            mfence
            lfence
            sfence
            pause
            imul rax, [rbx], 0x1234
            imul cx, dx, -3
            setg byte ptr [rax]
            cmovbe r15, [rsp + 16]
            div byte ptr [rbp - 1]
            idiv r14
            neg qword ptr [rip + 0x100]
            not r8b
            call qword ptr [rax + 8]
            jmp r11
            ret 16
            andn rax, rbx, [rcx]
            bextr r9d, eax, r10d
            blsr r11, r12
            blsmsk eax, [rdi + 4]
            blsi rcx, rdx
            """;

    @Test
    void matchesObjdumpOnHandPickedForms() {
        Tools.require("as");
        Path dir = Tools.workDir("disasm");
        try {
            java.nio.file.Files.writeString(dir.resolve("forms.s"), ".intel_syntax noprefix\n.text\n" + FORMS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Tools.run(dir, List.of("as", "--64", "-o", "forms.o", "forms.s"));
        List<String> diffs = compare(dir.resolve("forms.o"), 80);
        assertTrue(diffs.isEmpty(), diffs.size() + " differences:\n" + String.join("\n", diffs));
    }

    @Test
    void matchesObjdumpOnCompiledPrograms() throws Exception {
        CPrograms.buildAll(CPrograms.PROGRAMS);
        List<String> diffs = new ArrayList<>();
        for (String p : CPrograms.PROGRAMS) {
            for (String level : CPrograms.LEVELS) {
                diffs.addAll(compare(CPrograms.build(p, level, true)));
            }
        }
        assertTrue(diffs.isEmpty(), diffs.size() + " differences, first:\n" + String.join("\n",
                diffs.subList(0, Math.min(400, diffs.size()))));
    }
}
