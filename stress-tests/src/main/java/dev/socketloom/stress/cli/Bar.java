package dev.socketloom.stress.cli;

import dev.socketloom.stress.scenario.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A live progress bar on stderr (me.tongfei progressbar); one bar for the whole scenario, reset per stage. */
final class Bar implements Progress, AutoCloseable {
    private final ProgressBar bar;

    Bar(String task) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).continuousUpdate().build();
    }

    @Override
    public synchronized void stage(String name, long total) {
        bar.reset();
        bar.maxHint(total > 0 ? total : -1);
        bar.setExtraMessage(name);
    }

    @Override
    public void stepBy(long n) {
        bar.stepBy(n);
    }

    @Override
    public void close() {
        bar.close();
    }
}
