// Command loadgen: the relying-party benchmark's load client and webhook receiver in Go, so that
// on a 2-core machine the load and the receiving end cost the relying party as little CPU as they
// can (benchmarks/bench_rp.py). Standard library only.
//
//	loadgen post -url http://127.0.0.1:8090 -bodies FILE -c 16
//	    FILE holds one JSON object per line: {"path": "/requests/<id>/response", "body": {...}}.
//	    Each body is POSTed once over c keep-alive connections; prints one JSON line:
//	    {"client": "go", "n": ..., "wall_s": ..., "codes": {"200": ...}}.
//
//	loadgen receive -addr 127.0.0.1:0 -secret-file FILE [-tolerance 300]
//	    A webhook receiver that checks each delivery by the documented recipe (zkvct/webhook.py):
//	    HMAC-SHA256 under the secret of  timestamp "." delivery-id "." raw-body, hex, prefixed
//	    "sha256=", compared in constant time; the timestamp within the tolerance; a delivery id seen
//	    before is answered 200 and not counted again. Prints {"listening": "http://..."} once bound;
//	    GET /stats answers {"accepted": n, "replayed": n, "rejected": n}.
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type item struct {
	Path string          `json:"path"`
	Body json.RawMessage `json:"body"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}

func post(args []string) {
	fs := flag.NewFlagSet("post", flag.ExitOnError)
	base := fs.String("url", "", "relying party base URL")
	file := fs.String("bodies", "", "JSON-lines file of {path, body}")
	conns := fs.Int("c", 16, "keep-alive connections")
	fs.Parse(args)
	if *base == "" || *file == "" || *conns < 1 {
		fail("post needs -url, -bodies and -c >= 1")
	}
	f, err := os.Open(*file)
	if err != nil {
		fail("%v", err)
	}
	var items []item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			fail("%s line %d: %v", *file, len(items)+1, err)
		}
		items = append(items, it)
	}
	f.Close()
	client := &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{
		MaxIdleConns: *conns, MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}}
	codes := make([]int, len(items))
	next := make(chan int, len(items))
	for i := range items {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				resp, err := client.Post(*base+items[i].Path, "application/json", bytes.NewReader(items[i].Body))
				if err != nil {
					codes[i] = 0
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes[i] = resp.StatusCode
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start).Seconds()
	counts := map[string]int{}
	for _, c := range codes {
		counts[strconv.Itoa(c)]++
	}
	out, _ := json.Marshal(map[string]any{"client": "go", "n": len(items), "wall_s": wall, "codes": counts})
	fmt.Println(string(out))
}

type receiver struct {
	secret    []byte
	tolerance int64
	mu        sync.Mutex
	seen      map[string]bool
	accepted  int
	replayed  int
	rejected  int
}

func (r *receiver) hook(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	ts := req.Header.Get("x-workflow-timestamp")
	id := req.Header.Get("x-workflow-delivery")
	sig := req.Header.Get("x-workflow-signature")
	when, err := strconv.ParseInt(ts, 10, 64)
	ok := err == nil && id != "" && strings.HasPrefix(sig, "sha256=")
	if ok {
		skew := time.Now().Unix() - when
		ok = skew <= r.tolerance && -skew <= r.tolerance
	}
	if ok {
		mac := hmac.New(sha256.New, r.secret)
		mac.Write([]byte(ts + "." + id + "."))
		mac.Write(body)
		want := hex.EncodeToString(mac.Sum(nil))
		ok = hmac.Equal([]byte(want), []byte(sig[len("sha256="):]))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ok {
		r.rejected++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if r.seen[id] {
		r.replayed++
	} else {
		r.seen[id] = true
		r.accepted++
	}
	w.WriteHeader(http.StatusOK)
}

func (r *receiver) stats(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	out, _ := json.Marshal(map[string]int{"accepted": r.accepted, "replayed": r.replayed, "rejected": r.rejected})
	r.mu.Unlock()
	w.Header().Set("content-type", "application/json")
	w.Write(out)
}

func receive(args []string) {
	fs := flag.NewFlagSet("receive", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	secretFile := fs.String("secret-file", "", "the relying party's webhook.secret")
	tolerance := fs.Int64("tolerance", 300, "seconds of clock skew allowed")
	fs.Parse(args)
	raw, err := os.ReadFile(*secretFile)
	if err != nil {
		fail("%v", err)
	}
	r := &receiver{secret: bytes.TrimSpace(raw), tolerance: *tolerance, seen: map[string]bool{}}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail("%v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", r.hook)
	mux.HandleFunc("GET /stats", r.stats)
	fmt.Printf("{\"listening\": \"http://%s\"}\n", ln.Addr().String())
	os.Stdout.Sync()
	fail("%v", (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln))
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: loadgen post|receive [flags]")
	}
	switch os.Args[1] {
	case "post":
		post(os.Args[2:])
	case "receive":
		receive(os.Args[2:])
	default:
		fail("unknown command %q (post, receive)", os.Args[1])
	}
}
