package io.splitvisor.abi.gen;

import io.splitvisor.abi.layout.Layout;
import io.splitvisor.abi.layout.LayoutField;
import io.splitvisor.abi.layout.SharedRing;

import java.util.List;
import java.util.Map;

/**
 * Emits the binary page layouts as C structs with explicit padding, and a {@code _Static_assert}
 * for the size and every offset, so the C compiler proves the struct matches the Java descriptor.
 */
final class CLayoutEmitter {
    private CLayoutEmitter() {
    }

    static String header(List<Layout> layouts, Map<String, SharedRing> rings) {
        CWriter w = new CWriter();
        w.line(CWriter.banner("Binary layouts of the pages shared between guests, dom0 and the hypervisor."));
        w.line("#ifndef SPLITVISOR_ABI_LAYOUTS_H").line("#define SPLITVISOR_ABI_LAYOUTS_H").line();
        w.line("#include <stddef.h>").line("#include <stdint.h>").line();
        for (Layout layout : layouts) {
            emit(w, layout);
        }
        w.line("/* Slots per ring page (a power of two). */");
        rings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                w.format("#define SV_%s_RING_SLOTS %d", CNames.upper(e.getKey()), e.getValue().slotCount()));
        w.line().line("#endif /* SPLITVISOR_ABI_LAYOUTS_H */");
        return w.toString();
    }

    private static void emit(CWriter w, Layout layout) {
        String kind = layout.isUnion() ? "union" : "struct";
        String type = layout.name() + "_t";
        w.line("/*" + CWriter.comment(layout.doc()).substring(3));
        w.format("typedef %s %s {", kind, layout.name());
        int end = 0;
        for (LayoutField f : layout.fields()) {
            if (!layout.isUnion() && f.offset() > end) {
                w.format("    uint8_t pad_%d_[%d];", end, f.offset() - end);
            }
            String elementType = f.scalar() != null ? f.scalar().cType() : f.element().name() + "_t";
            String array = f.array() ? "[" + f.count() + "]" : "";
            w.format("    %s %s%s;%s", elementType, f.name(), array, CWriter.comment(f.doc()));
            end = Math.max(end, f.end());
        }
        if (!layout.isUnion() && end < layout.size()) {
            w.format("    uint8_t pad_%d_[%d];", end, layout.size() - end);
        }
        w.format("} %s;", type);
        w.format("_Static_assert(sizeof(%s) == %d, \"%s size\");", type, layout.size(), layout.name());
        for (LayoutField f : layout.fields()) {
            w.format("_Static_assert(offsetof(%s, %s) == %d, \"%s.%s offset\");",
                    type, f.name(), f.offset(), layout.name(), f.name());
        }
        w.line();
    }
}
