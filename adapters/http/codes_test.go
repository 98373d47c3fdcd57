package http

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var declaration = regexp.MustCompile(`fault\.New\(fault\.\w+, "([a-z_]+)"\)`)

// declaredCodes finds every fault.New(kind, "code") in the module's
// non-test Go files.
func declaredCodes(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..")
	var codes []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "data" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range declaration.FindAllStringSubmatch(string(src), -1) {
			codes = append(codes, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 10 {
		t.Fatalf("found only %d declared codes; is the pattern stale?", len(codes))
	}
	return codes
}
