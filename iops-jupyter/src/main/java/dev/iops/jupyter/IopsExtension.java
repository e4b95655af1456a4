package dev.iops.jupyter;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

import java.util.List;

/**
 * Adds the {@code %%iops} cell magic and the {@code %iops} line magic to a JJava kernel.
 *
 * <p>The kernel finds this class with {@link java.util.ServiceLoader} when it starts, or when a jar holding it is
 * added ({@code %classpath}, {@code %maven}); nothing needs to be called by hand.
 *
 * <pre>
 * %%iops --histogram
 * Files.write(Path.of("out.bin"), new byte[1 &lt;&lt; 20]);
 * </pre>
 *
 * <p>Options: {@code --histogram} (size charts, needs a per-operation profiler), {@code --profiler NAME},
 * {@code --thread} (only the thread that runs the code), {@code --json}, {@code --help}; anything else is refused
 * with the usage. The report (text and HTML table, charts) is displayed under the cell, then the cell's value;
 * a cell that throws shows the report of what ran, then its exception; a cell that does not compile shows the
 * compiler's message. On JJava a7+ kernels one window spans the cell and the kernel's telemetry hook keeps JShell's
 * compilation out of it; on 1.0-a6 the report's notes say what the measurement could not keep out.
 *
 * <p>Thread-safety: {@link #install} may be called for several kernels; each gets its own magics.
 */
public final class IopsExtension implements Extension {
    /** The name of both magics: {@code %%iops} and {@code %iops}. */
    public static final String MAGIC = "iops";

    /** Creates the extension; the kernel does this through {@code ServiceLoader}. */
    public IopsExtension() {
    }

    /**
     * Registers {@code %%iops}, {@code %iops} and the internal {@code %iops-window} with the kernel's magics.
     *
     * @param kernel the kernel loading this extension, not {@code null}
     */
    @Override
    public void install(BaseKernel kernel) {
        IopsMagic magic = new IopsMagic();
        kernel.getMagicsRegistry()
                .registerCellMagic(MAGIC, (BaseKernel k, List<String> args, String body) -> magic.cell(k, args, body))
                .registerLineMagic(MAGIC, (BaseKernel k, List<String> args) -> magic.line(k, args))
                .registerLineMagic(IopsMagic.WINDOW_MAGIC, (BaseKernel k, List<String> args) -> magic.window(args));
    }
}
