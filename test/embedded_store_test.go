package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runToFailure starts kincare on dataDir and expects it to stop at
// start with exit code 1; it returns what it printed.
func runToFailure(t *testing.T, dataDir string, asNobody bool, bin string) string {
	t.Helper()
	if os.Getenv("MONGODB_URI") != "" {
		t.Skip("the embedded store's data directory: MONGODB_URI is set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = envList(map[string]string{"PATH": os.Getenv("PATH"), "DATA_DIR": dataDir, "HTTP_ADDR": "127.0.0.1:0"})
	cmd.Dir = os.TempDir()
	if asNobody {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	dieWithTest(cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want code 1\n%s", err, out.String())
	}
	return out.String()
}

// A damaged or foreign database file in DATA_DIR stops the start with a
// message naming the file; nothing is rebuilt over it, and it is left as
// it was.
func TestABadDatabaseFileStopsTheStart(t *testing.T) {
	t.Parallel()
	for name, content := range map[string][]byte{
		"corrupted": append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xde, 0xad}, 3000)...),
		"foreign":   []byte("PK\x03\x04 a zip file someone saved here"),
	} {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			file := filepath.Join(dataDir, "mongo", "kincare.sqlite")
			if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, content, 0o600); err != nil {
				t.Fatal(err)
			}
			out := runToFailure(t, dataDir, false, binary)
			if !strings.Contains(out, `"msg":"start failed"`) || !strings.Contains(out, file) ||
				!strings.Contains(out, "not a FerretDB SQLite database") {
				t.Fatalf("the start failure should name %s:\n%s", file, out)
			}
			if got, _ := os.ReadFile(file); !bytes.Equal(got, content) {
				t.Fatal("the file was changed")
			}
			entries, _ := os.ReadDir(filepath.Dir(file))
			if len(entries) != 1 {
				t.Fatalf("files appeared beside it: %v", entries)
			}
		})
	}
}

// A DATA_DIR kincare cannot write to (a read-only disk; here a directory
// the server's user may not write) stops the start with a message
// saying so, before anything else runs.
func TestAReadOnlyDataDirStopsTheStart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	// The data of an earlier run, as a read-only disk would hold it.
	s := startServer(t, config{dataDir: dataDir})
	s.stop(t)
	bin, asNobody := binary, false
	if os.Geteuid() == 0 {
		// Permissions do not bind root: run the server as nobody, from a
		// copy of the binary nobody may execute.
		asNobody = true
		bin = nobodyCopy(t)
		// The test's own temporary directory, above DATA_DIR, must let
		// nobody reach it, as the path to a mounted disk would.
		if err := os.Chmod(filepath.Dir(dataDir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := filepath.Walk(dataDir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(path, info.Mode().Perm()&^0o222|0o444|map[bool]os.FileMode{true: 0o111}[info.IsDir()])
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = filepath.Walk(dataDir, func(path string, info os.FileInfo, err error) error {
			if err == nil {
				_ = os.Chmod(path, info.Mode().Perm()|0o700)
			}
			return nil
		})
	})
	out := runToFailure(t, dataDir, asNobody, bin)
	if !strings.Contains(out, `"msg":"start failed"`) || !strings.Contains(out, "cannot write to the data directory") ||
		!strings.Contains(out, filepath.Join(dataDir, "mongo")) {
		t.Fatalf("the start failure should say the data directory is not writable:\n%s", out)
	}
}

// nobodyCopy copies the kincare binary where the nobody user may run it.
func nobodyCopy(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kincare-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "kincare")
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}
