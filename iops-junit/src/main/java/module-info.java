/**
 * I/O budgets for JUnit Jupiter tests: {@link dev.iops.junit.IopsBudget} and {@link dev.iops.junit.IopsExtension}.
 */
module dev.iops.junit {
    requires transitive dev.iops.api;
    requires transitive org.junit.jupiter.api;

    exports dev.iops.junit;
    // JUnit instantiates the extension reflectively
    opens dev.iops.junit to org.junit.platform.commons;
}
