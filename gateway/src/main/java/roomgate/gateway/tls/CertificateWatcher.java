package roomgate.gateway.tls;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the client port's certificate when its files change: a thread of its own watches the
 * directories of the certificate and key files and, once they have been quiet for {@code settle}
 * after a change (a renewal writes two files), calls {@link ServerTls#reload}. It also re-reads
 * them every {@code recheck} in case an event was missed (file systems without change events); a
 * reload of unchanged files does nothing.
 *
 * <p>A watch besides SIGHUP ({@link ReloadSignal}): Kubernetes (and cert-manager) renew a mounted
 * Secret by swapping a symbolic link in its directory and send no signal, which the watch sees.
 * Writing the new files is all an operator must do, on a VM as in a pod.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final WatchService watch;
    private final Thread thread;

    private CertificateWatcher(WatchService watch, Runnable reload, Duration settle, Duration recheck) {
        this.watch = watch;
        this.thread = new Thread(() -> run(reload, settle, recheck), "tls-cert-watch");
        this.thread.setDaemon(true);
    }

    /** Starts watching the directories of {@code files} and calls {@code tls.reload()} on a change. */
    public static CertificateWatcher start(
            ServerTls tls, Path certFile, Path keyFile, Duration settle, Duration recheck) throws IOException {
        WatchService watch = FileSystems.getDefault().newWatchService();
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(certFile.toAbsolutePath().getParent());
        dirs.add(keyFile.toAbsolutePath().getParent());
        for (Path dir : dirs) {
            dir.register(
                    watch,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        CertificateWatcher watcher = new CertificateWatcher(watch, tls::reload, settle, recheck);
        watcher.thread.start();
        return watcher;
    }

    private void run(Runnable reload, Duration settle, Duration recheck) {
        try {
            while (true) {
                WatchKey key = watch.poll(recheck.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    // Wait until the directory has been quiet for a moment: both files are written.
                    do {
                        key.pollEvents();
                        key.reset();
                        key = watch.poll(settle.toMillis(), TimeUnit.MILLISECONDS);
                    } while (key != null);
                }
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    log.warn("TLS certificate reload failed", e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the gateway is stopping
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
