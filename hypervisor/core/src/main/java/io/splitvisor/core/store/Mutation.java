package io.splitvisor.core.store;

/**
 * A change to the tree, kept so that a transaction can run it on its private view and run it again on the
 * committed tree at commit (the conflict check guarantees the second run sees what the first saw).
 */
@FunctionalInterface
interface Mutation {
    void applyTo(TreeEditor editor);
}
