package dev.iops.jvm;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Marks where a thread begins and ends a stretch of the library's own work ({@link dev.iops.spi.SelfIo#ownWork})
 * inside a jfr window: the window drops the I/O events of that thread between the two, such as the reads of the
 * library's own jars when a nested session loads its classes on a first use. Committed only while a jfr window is
 * open; recorded only by jfr's own recordings (other recordings leave it disabled, its default).
 */
@Name(OwnWorkEvent.NAME)
@Label("iops own work")
@Category("iops")
@Description("A thread begins or ends the I/O profiler's own work (its I/O is not the measured block's)")
@StackTrace(false)
@jdk.jfr.Enabled(false)
final class OwnWorkEvent extends jdk.jfr.Event {
    static final String NAME = "dev.iops.OwnWork";

    @Label("Begin")
    @Description("true where the stretch begins, false where it ends")
    boolean begin;
}
