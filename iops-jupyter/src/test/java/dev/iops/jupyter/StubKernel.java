package dev.iops.jupyter;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The parts of a {@link BaseKernel} the magic does not use, for the test kernels: no inspection or completion. */
abstract class StubKernel extends BaseKernel {

    StubKernel(String name, MagicParser parser, boolean extensions) {
        super(name, "1", new LanguageInfo.Builder("Java").version(Runtime.version().toString())
                        .mimetype("text/x-java-source").fileExtension(".jshell").build(),
                List.of(), null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), parser,
                new MagicsRegistry(), extensions, new StringStyler.Builder().build());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return null;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        return null;
    }

    @Override
    public String isComplete(String code) {
        return IS_COMPLETE_MAYBE;
    }
}
