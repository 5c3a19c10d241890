package io.splitvisor.abi.gen;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.splitvisor.abi.proto.Options;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Emits the hypercall operation numbers and one typed wrapper per operation, from the
 * {@code Hypercalls} service. The wrappers call {@code sv_hypercall}, which the guest SDK
 * implements over the hypercall frame and port.
 */
final class CHypercallEmitter {
    private final ServiceDescriptor service;
    private final SourceComments comments;

    CHypercallEmitter(List<FileDescriptor> files) {
        ServiceDescriptor found = null;
        for (FileDescriptor file : files) {
            ServiceDescriptor s = file.findServiceByName("Hypercalls");
            if (s != null) {
                found = s;
            }
        }
        if (found == null) {
            throw new AbiSchemaException("no service named Hypercalls in the ABI files");
        }
        this.service = found;
        this.comments = new SourceComments(files);
        Set<Integer> seen = new HashSet<>();
        for (MethodDescriptor m : service.getMethods()) {
            int op = m.getOptions().getExtension(Options.op);
            if (op <= 0 || !seen.add(op)) {
                throw new AbiSchemaException(m.getFullName() + ": needs a unique positive (op) number");
            }
        }
    }

    private static String opMacro(MethodDescriptor m) {
        return "SV_OP_" + CNames.upper(CNames.snake(m.getName()));
    }

    String header() {
        CWriter w = new CWriter();
        w.line(CWriter.banner("Hypercall operation numbers and typed wrappers."));
        w.line("#ifndef SPLITVISOR_ABI_HYPERCALLS_H").line("#define SPLITVISOR_ABI_HYPERCALLS_H").line();
        w.line("#include \"splitvisor/abi_messages.h\"").line();
        w.line("#ifdef __cplusplus").line("extern \"C\" {").line("#endif").line();
        for (MethodDescriptor m : service.getMethods()) {
            int op = m.getOptions().getExtension(Options.op);
            boolean privileged = m.getOptions().getExtension(Options.privileged);
            w.format("#define %s 0x%02X%s", opMacro(m), op, CWriter.comment(
                    (privileged ? "dom0 only. " : "") + comments.of(m)));
        }
        w.line();
        w.line("/* One row per operation, for tracing and dispatch tables. */");
        w.line("typedef struct sv_hypercall_op {");
        w.line("    uint32_t op;");
        w.line("    const char *name;");
        w.line("    const sv_pb_msgdesc_t *request;");
        w.line("    const sv_pb_msgdesc_t *response;");
        w.line("    bool privileged;");
        w.line("} sv_hypercall_op_t;");
        w.line("extern const sv_hypercall_op_t sv_hypercall_ops[];");
        w.line("extern const uint32_t sv_hypercall_op_count;").line();
        w.line("/*");
        w.line(" * Performs operation `op`: encodes *req into the hypercall frame, traps to the hypervisor,");
        w.line(" * and decodes the response into *rsp. Returns the hypervisor's status (SV_STATUS_*), or");
        w.line(" * SV_STATUS_EINVAL when the request cannot be encoded or the response decoded.");
        w.line(" * Implemented by the guest SDK.");
        w.line(" */");
        w.line("int sv_hypercall(uint32_t op, const sv_pb_msgdesc_t *req_desc, const void *req,");
        w.line("                 const sv_pb_msgdesc_t *rsp_desc, void *rsp);").line();
        for (MethodDescriptor m : service.getMethods()) {
            String fn = "sv_hc_" + CNames.snake(m.getName());
            w.format("static inline int %s(const %s *req, %s *rsp) {", fn,
                    CNames.typeName(m.getInputType()), CNames.typeName(m.getOutputType()));
            w.format("    return sv_hypercall(%s, &%s, req, &%s, rsp);", opMacro(m),
                    CNames.descName(m.getInputType()), CNames.descName(m.getOutputType()));
            w.line("}");
        }
        w.line().line("#ifdef __cplusplus").line("}").line("#endif").line();
        w.line("#endif /* SPLITVISOR_ABI_HYPERCALLS_H */");
        return w.toString();
    }

    String source() {
        CWriter w = new CWriter();
        w.line(CWriter.banner("The hypercall operation table."));
        w.line("#include \"splitvisor/abi_hypercalls.h\"").line();
        w.line("const sv_hypercall_op_t sv_hypercall_ops[] = {");
        for (MethodDescriptor m : service.getMethods()) {
            w.format("    { %s, %s, &%s, &%s, %s },", opMacro(m), CWriter.quote(m.getName()),
                    CNames.descName(m.getInputType()), CNames.descName(m.getOutputType()),
                    m.getOptions().getExtension(Options.privileged) ? "true" : "false");
        }
        w.line("};");
        w.format("const uint32_t sv_hypercall_op_count = %d;", service.getMethods().size());
        return w.toString();
    }
}
