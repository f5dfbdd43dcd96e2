package roomgate.systemtest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium from the Debian packages ({@code chromium}, {@code chromium-driver}), driven through
 * {@code /usr/bin/chromedriver}. Naming both binaries keeps Selenium Manager from looking for (or
 * downloading) a browser or driver. Each browser gets a fresh profile directory; {@link #close}
 * quits every browser this made (chromedriver stops the Chromium it started).
 */
final class Browsers implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final List<ChromeDriver> drivers = new ArrayList<>();

    static {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        System.setProperty("SE_OFFLINE", "true");
    }

    /** Whether this machine has both binaries (.ci/run installs them). */
    static boolean installed() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    ChromeDriver open() throws IOException {
        Path profile = Files.createTempDirectory("roomgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Pages in windows behind others keep their timers at full speed (the arena draws at 30 Hz).
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        // The page's console, so that a test can check no script failed and no policy blocked anything.
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        // The driver comes from webdriver.chrome.driver (set above), the browser from setBinary.
        ChromeDriver driver = new ChromeDriver(options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        drivers.add(driver);
        return driver;
    }

    /**
     * What the pages in {@code driver} logged as errors since the last call (script errors, blocked
     * resources, Content-Security-Policy violations), less failed WebSocket connections, which a
     * test that cuts the network causes on purpose.
     */
    static List<String> pageErrors(ChromeDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("WebSocket connection to"))
                .toList();
    }

    /** Saves what {@code driver} shows as target/screenshots/NAME.png. */
    static Path screenshot(ChromeDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        for (ChromeDriver driver : drivers) {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                System.err.println("quitting a browser failed: " + e);
            }
        }
        drivers.clear();
    }
}
