package dev.adjoint.examples;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The examples' per-epoch progress bar (me.tongfei:progressbar), set up one way for all of them. */
final class Bars {
    private Bars() {
    }

    /** An ASCII bar over {@code batches} steps named "epoch N", refreshed twice a second; close it after the epoch. */
    static ProgressBar epoch(int epoch, int batches) {
        return new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(batches).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).continuousUpdate().setUnit(" batches", 1).build();
    }
}
