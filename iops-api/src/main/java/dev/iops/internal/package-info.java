/**
 * Implementation details of iops: selection, aggregation and formatting. Not exported; may change without notice.
 */
package dev.iops.internal;
