import Foundation
import TunerCore

/// Reads a URL now and then every `interval` seconds on its own thread, sleeping in between (no
/// busy loop: the tuner's own CPU during a trial stays near zero), until stopped.
final class Scraper: @unchecked Sendable {
    let url: String
    private let interval: Double
    private let lock = NSLock()
    private var scrapes: [Scrape] = []
    private var failures: [String] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    init(url: String, intervalSeconds: Double) {
        self.url = url
        self.interval = intervalSeconds
        scrapeOnce()
        let thread = Thread { [weak self] in self?.loop() }
        thread.name = "pause-scraper"
        thread.start()
    }

    private func loop() {
        // Sleeps on a semaphore, so `finish` wakes it at once instead of waiting out the interval.
        while wake.wait(timeout: .now() + interval) == .timedOut {
            lock.lock()
            let keepGoing = running
            lock.unlock()
            guard keepGoing else { break }
            scrapeOnce()
        }
        done.signal()
    }

    private func scrapeOnce() {
        let before = unixNanos()
        let answer = HTTPClient.shared.get(url, timeoutSeconds: 5)
        let midpoint = before + (unixNanos() - before) / 2
        lock.lock()
        defer { lock.unlock() }
        if case .response(let status, let body) = answer, (200..<300).contains(status) {
            scrapes.append(Scrape(unixNanos: midpoint, body: body))
        } else {
            failures.append(answer.problem)
        }
    }

    /// Takes a last read, stops the thread and returns every successful read in order.
    func finish() -> (scrapes: [Scrape], failures: [String]) {
        lock.lock()
        running = false
        lock.unlock()
        wake.signal()
        done.wait()
        scrapeOnce()
        lock.lock()
        defer { lock.unlock() }
        return (scrapes, failures)
    }
}

/// The scrapes that bracket the window: the last at or before its start (else the first) to
/// the first at or after its end (else the last).
func bracket(_ scrapes: [Scrape], windowStart: Int64, windowEnd: Int64) -> ArraySlice<Scrape> {
    let first = scrapes.lastIndex { $0.unixNanos <= windowStart } ?? scrapes.startIndex
    let last = scrapes.firstIndex { $0.unixNanos >= windowEnd } ?? scrapes.index(before: scrapes.endIndex)
    return scrapes[first...max(first, last)]
}
