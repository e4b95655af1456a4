package dev.iops.jupyter;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * An in-process kernel for fast tests of the magic's logic: "code" is a name bound to a Java callable, and each
 * {@link #evalRaw} runs on the next executor of a queue (or the default one), so tests choose which thread runs
 * what, as JJava 1.0-a6 (another thread) or a7+ (the magic's own thread) would. Displays are collected.
 */
final class FakeKernel extends StubKernel {
    final List<DisplayData> shown = new ArrayList<>();
    final Map<String, Callable<Object>> code = new HashMap<>();
    final Deque<Executor> next = new ArrayDeque<>();
    private final Executor byDefault;

    FakeKernel(Executor byDefault) {
        super("fake", null, false);
        this.byDefault = byDefault;
        new IopsExtension().install(this);
    }

    /** Runs {@code %%iops args} over the code bound to {@code body}. */
    Object cell(String body, String... args) throws Exception {
        return getMagicsRegistry().evalCellMagic(this, IopsExtension.MAGIC, Arrays.asList(args), body);
    }

    @Override
    public void display(DisplayData data) {
        shown.add(data);
    }

    /** The text/plain of every display, in order. */
    List<String> texts() {
        return shown.stream().map(d -> String.valueOf(d.getData(
                org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN))).toList();
    }

    @Override
    public Object evalRaw(String source) {
        Callable<Object> task;
        if (source.startsWith("%" + IopsMagic.WINDOW_MAGIC + " ")) {
            List<String> args = List.of(source.substring(IopsMagic.WINDOW_MAGIC.length() + 2).split(" "));
            task = () -> getMagicsRegistry().evalLineMagic(this, IopsMagic.WINDOW_MAGIC, args);
        } else {
            task = code.get(source);
            if (task == null) {
                throw new IllegalArgumentException("no code bound to " + source);
            }
        }
        FutureTask<Object> f = new FutureTask<>(task);
        Executor e = next.isEmpty() ? byDefault : next.poll();
        e.execute(f);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (ex.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(ex.getCause());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
