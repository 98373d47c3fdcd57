package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// runSMSSink stands in for the SMS gateway kincare's webhook sender posts
// to (SMS_PROVIDER=webhook): it appends each message as one JSON line to
// -out, so a script can log in without a phone and without parsing server
// logs, whose info lines a quiet LOG_LEVEL would drop.
func runSMSSink(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("kincare-load sms-sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on")
	out := fs.String("out", "", "`file` to append received messages to, one JSON object a line")
	lifetime := fs.Duration("lifetime", time.Hour, "exit after this long even if never stopped")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "kincare-load sms-sink: -out is required")
		return 2
	}
	// Login codes are credentials: never accept them from off the machine.
	if host, _, err := net.SplitHostPort(*addr); err != nil || !isLoopback(host) {
		fmt.Fprintf(stderr, "kincare-load sms-sink: -addr %q must be a loopback host:port\n", *addr)
		return 2
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "kincare-load sms-sink: %v\n", err)
		return 1
	}
	defer f.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kincare-load sms-sink: %v\n", err)
		return 1
	}

	var mu sync.Mutex
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		var line bytes.Buffer
		if err == nil {
			err = json.Compact(&line, body)
		}
		if err != nil {
			http.Error(w, "want a JSON body", http.StatusBadRequest)
			return
		}
		line.WriteByte('\n')
		mu.Lock()
		_, err = f.Write(line.Bytes())
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	fmt.Fprintf(stderr, "kincare-load sms-sink: listening on %s, writing %s\n", ln.Addr(), *out)

	ctx, cancel := context.WithTimeout(ctx, *lifetime)
	defer cancel()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "kincare-load sms-sink: %v\n", err)
		return 1
	}
	return 0
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runLogin requests a code for -phone, waits for it to reach the sink's
// file, logs in and prints the access token, for use in -H.
func runLogin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kincare-load login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "kincare base `URL`, e.g. http://127.0.0.1:8080")
	phone := fs.String("phone", "13800138000", "phone to log in as (created on first login)")
	codes := fs.String("codes", "", "the sms-sink's -out `file`")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *base == "" || *codes == "" {
		fmt.Fprintln(stderr, "kincare-load login: -base and -codes are required")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	tok, err := login(ctx, strings.TrimSuffix(*base, "/"), *phone, *codes)
	if err != nil {
		fmt.Fprintf(stderr, "kincare-load login: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, tok)
	return 0
}

func login(ctx context.Context, base, phone, codes string) (string, error) {
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	// Only messages written after this request can carry its code.
	var offset int64
	if st, err := os.Stat(codes); err == nil {
		offset = st.Size()
	}
	if err := postJSON(ctx, client, base+"/v1/auth/otp", map[string]string{"phone": phone}, http.StatusAccepted, nil); err != nil {
		return "", err
	}
	code, err := waitForCode(ctx, codes, offset, phone)
	if err != nil {
		return "", err
	}
	var pair struct {
		AccessToken string `json:"accessToken"`
	}
	err = postJSON(ctx, client, base+"/v1/auth/login", map[string]string{"phone": phone, "code": code}, http.StatusOK, &pair)
	if err == nil && pair.AccessToken == "" {
		err = errors.New("login answered without an accessToken")
	}
	return pair.AccessToken, err
}

func postJSON(ctx context.Context, client *http.Client, url string, body any, want int, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, bytes.TrimSpace(rb))
	}
	if out != nil {
		return json.Unmarshal(rb, out)
	}
	return nil
}

// waitForCode polls the sink's file, since the webhook may land a moment
// after the OTP request returns. The gateway message carries the phone in
// E.164 (+86...), so a local number matches by suffix.
func waitForCode(ctx context.Context, path string, offset int64, phone string) (string, error) {
	digits := strings.TrimPrefix(phone, "+")
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if code, err := findCode(path, offset, digits); err != nil || code != "" {
			return code, err
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no code for %s in %s: %w", phone, path, ctx.Err())
		case <-tick.C:
		}
	}
}

func findCode(path string, offset int64, digits string) (string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return "", err
	}
	var code string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m struct {
			Phone  string `json:"phone"`
			Params struct {
				Code string `json:"code"`
			} `json:"params"`
		}
		if json.Unmarshal(sc.Bytes(), &m) == nil && strings.HasSuffix(m.Phone, digits) && m.Params.Code != "" {
			code = m.Params.Code // the last one wins: it is the newest
		}
	}
	return code, sc.Err()
}
