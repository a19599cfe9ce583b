import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// tuner's HTTP client for readiness probes and metrics scrapes: Foundation's `URLSession`
/// (libcurl underneath on Linux), so requests are real HTTP/1.1 — a `Host` header with the port
/// (RFC 9110 §7.2), chunked bodies, keep-alive — and redirects are refused with a clear error
/// rather than followed to an address tuner did not choose.
///
/// Why URLSession and not swift-server/async-http-client: both are well kept and both speak
/// HTTP/1.1 correctly here; async-http-client and its SwiftNIO/BoringSSL dependencies add
/// minutes to the first build, and the quick start builds tuner on the user's machine. The
/// session has no cache, no cookies and no proxy (the service is on loopback), and it lives as
/// long as the process: its one worker thread sleeps between requests.
public final class HTTPClient: @unchecked Sendable {
    /// What an answer was.
    public enum Answer: Sendable, Equatable {
        /// Status and body of a final (non-redirect) response.
        case response(status: Int, body: Data)
        /// A 3xx the client did not follow, with its `Location`.
        case redirect(status: Int, location: String?)
        /// Nothing usable in time: the connection failed or timed out.
        case failed(reason: String)
    }

    /// One client for the process.
    public static let shared = HTTPClient()

    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.connectionProxyDictionary = [:]
        configuration.httpAdditionalHeaders = ["Accept-Encoding": "identity", "User-Agent": "tuner"]
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    /// GET `url`, waiting at most `timeoutSeconds`.
    public func get(_ url: String, timeoutSeconds: Double) -> Answer {
        guard let target = URL(string: url) else { return .failed(reason: "'\(url)' is not a URL") }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeoutSeconds)
        request.httpMethod = "GET"
        let done = DispatchSemaphore(value: 0)
        let box = AnswerBox()
        let task = session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                if (300..<400).contains(http.statusCode) {
                    box.answer = .redirect(status: http.statusCode, location: http.value(forHTTPHeaderField: "Location"))
                } else {
                    box.answer = .response(status: http.statusCode, body: data ?? Data())
                }
            } else {
                box.answer = .failed(reason: error.map { ($0 as NSError).localizedDescription } ?? "no response")
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeoutSeconds + 1) == .timedOut {
            task.cancel()
            return .failed(reason: "no answer within \(timeoutSeconds) s")
        }
        return box.answer ?? .failed(reason: "no response")
    }

    /// Refuses every redirect: the completion gets the 3xx response itself.
    private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    private final class AnswerBox: @unchecked Sendable {
        var answer: Answer?
    }
}

extension HTTPClient.Answer {
    /// What went wrong, as the end of a sentence that names the URL ("… answered HTTP 403 …"):
    /// empty for a 2xx response.
    public var problem: String {
        switch self {
        case .response(let status, _) where (200..<300).contains(status): return ""
        case .response(let status, _) where status == 401 || status == 403:
            return
                "answered HTTP \(status): the endpoint refused tuner's request (it sends Host: 127.0.0.1:PORT and no credentials); serve it without authentication on loopback"
        case .response(let status, _): return "answered HTTP \(status)"
        case .redirect(let status, let location):
            return "answered a redirect (HTTP \(status) to \(location ?? "no Location")), which tuner does not follow; give the final URL"
        case .failed(let reason): return "did not answer (\(reason))"
        }
    }
}
