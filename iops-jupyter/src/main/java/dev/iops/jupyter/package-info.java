/**
 * The {@code %%iops} cell magic and {@code %iops} line magic for the
 * <a href="https://github.com/dflib/jjava">JJava</a> Jupyter kernel.
 *
 * <p>{@link dev.iops.jupyter.IopsExtension} is found by the kernel through {@code ServiceLoader}
 * ({@code META-INF/services/org.dflib.jjava.jupyter.Extension}), also in jars added later with {@code %maven} or
 * {@code %jars}; everything else in this package is internal.
 */
package dev.iops.jupyter;
