package io.splitvisor.abi;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.splitvisor.abi.layout.AbiLayouts;
import io.splitvisor.abi.layout.Layout;
import io.splitvisor.abi.layout.LayoutField;
import io.splitvisor.abi.layout.SharedRing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/ABI.md documents every operation, message, enum value and layout field, at its offset. */
class AbiDocumentationTest {
    private static String abiDoc() throws IOException {
        Path root = Path.of(System.getProperty("splitvisor.root", ".."));
        return Files.readString(root.resolve("docs/ABI.md"));
    }

    @Test
    void everyHypercallIsInItsTableWithItsNumber() throws IOException {
        String doc = abiDoc();
        List<String> missing = new ArrayList<>();
        for (HypercallTable.Op op : HypercallTable.get().ops()) {
            String row = String.format("| 0x%02X | `%s` | `%s`", op.number(), op.name(), op.requestType().getName());
            if (!doc.contains(row)) {
                missing.add(row);
            }
            if (!doc.contains("`" + op.responseType().getName() + "`")) {
                missing.add(op.responseType().getName());
            }
        }
        assertTrue(missing.isEmpty(), "docs/ABI.md lacks: " + missing);
    }

    @Test
    void everyMessageAndEnumValueIsNamed() throws IOException {
        String doc = abiDoc();
        List<String> missing = new ArrayList<>();
        for (FileDescriptor file : AbiDescriptors.abiFiles()) {
            for (Descriptor m : file.getMessageTypes()) {
                if (!doc.contains("`" + m.getName() + "`")) {
                    missing.add(m.getName());
                }
            }
            for (EnumDescriptor e : file.getEnumTypes()) {
                for (EnumValueDescriptor v : e.getValues()) {
                    if (!v.getName().endsWith("_UNSPECIFIED") && !doc.contains("`" + v.getName() + "`")) {
                        missing.add(v.getName());
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "docs/ABI.md lacks: " + missing);
    }

    @Test
    void everyLayoutFieldIsDocumentedAtItsOffset() throws IOException {
        String doc = abiDoc();
        List<String> missing = new ArrayList<>();
        for (Layout layout : AbiLayouts.all()) {
            if (!doc.contains("`" + layout.name() + "`")) {
                missing.add(layout.name());
            }
            boolean ringPart = layout.isUnion() || layout.name().endsWith("_sring");
            if (ringPart && layout != SharedRing.HEADER) {
                continue;   // slots and ring pages are described with the generic ring
            }
            for (LayoutField f : layout.fields()) {
                String name = Pattern.quote(f.name());
                Pattern tableRow = Pattern.compile("\\|\\s*" + f.offset() + "\\s*\\|\\s*`" + name + "`");
                Pattern inline = Pattern.compile("`" + name + "`[^,;(]*@" + f.offset() + "\\b");
                if (!tableRow.matcher(doc).find() && !inline.matcher(doc).find()) {
                    missing.add(layout.name() + "." + f.name() + " @" + f.offset());
                }
            }
        }
        assertTrue(missing.isEmpty(), "docs/ABI.md lacks: " + missing);
    }
}
