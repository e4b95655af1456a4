package dev.iops.junit.examples;

import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.Scope;
import dev.iops.junit.IopsBudget;
import dev.iops.junit.IopsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(IopsExtension.class)
public class SessionParameter {
    static {
        Blocks.write(1);
    }

    /** Measures a part of itself: the 2 blocks before stop(), not the 3 after. */
    @Test
    void measuresAPart(IopsSession session) {
        Blocks.write(2);
        IopsReport part = session.stop();
        Blocks.write(3);
        assertThat(part.writeOps()).isEqualTo(2);
        assertThat(part.bytesWritten()).isEqualTo(2 * 4096);
        assertThat(part.scope()).isEqualTo(Scope.THREAD);
    }

    /** Not stopped by the test: the extension stops it after the method and publishes 4 writes. */
    @Test
    void stoppedByTheExtension(IopsSession session) {
        Blocks.write(4);
    }

    @Test
    @IopsBudget(scope = Scope.PROCESS, profiler = "procfs")
    void takesTheBudgetsSettings(IopsSession session) {
        assertThat(session.scope()).isEqualTo(Scope.PROCESS);
        assertThat(session.profiler()).isEqualTo("procfs");
    }
}
