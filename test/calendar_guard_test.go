package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A calendar date written into a test is a time bomb when the code under
// test meets a clock of its own: asynq schedules by the wall clock, Redis
// and miniredis expire keys by theirs, tokens lapse by real time. A test
// that fixed "now" at 25 November and expected a push deferred to the
// 26th to wait in the queue began failing on the 26th.
//
// So outside domain/ (whose tests pass now explicitly and meet no clock),
// a test's instants derive from the real now (see shanghaiToday, dateAgo)
// unless the author says why a fixed date is safe where it is written:
// a comment containing "calendar-safe:" on the line, the line above, or
// the enclosing function's doc comment.
func TestNoFixedDateMeetsARealClock(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var found []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "domain" || strings.HasPrefix(d.Name(), ".") && rel != "." || rel == "data" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, pos := range fixedDates(f) {
			if !excused(fset, f, pos) {
				p := fset.Position(pos)
				found = append(found, rel+":"+strconv.Itoa(p.Line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range found {
		t.Errorf("%s: a fixed calendar date; derive it from the real now, or say why it is safe with a calendar-safe: comment", at)
	}
}

var dateLiteral = regexp.MustCompile(`^"\d{4}-\d{2}-\d{2}`)

// fixedDates finds time.Date calls with a literal year and string
// literals that start with a yyyy-mm-dd date.
func fixedDates(f *ast.File) []token.Pos {
	var out []token.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Date" || len(n.Args) == 0 {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "time" {
				return true
			}
			if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.INT {
				out = append(out, n.Pos())
			}
		case *ast.BasicLit:
			// 2006-01-02 is Go's layout, not a date.
			if n.Kind == token.STRING && dateLiteral.MatchString(n.Value) && !strings.HasPrefix(n.Value, `"2006-01-02`) {
				out = append(out, n.Pos())
			}
		}
		return true
	})
	return out
}

const excuse = "calendar-safe:"

func excused(fset *token.FileSet, f *ast.File, pos token.Pos) bool {
	line := fset.Position(pos).Line
	for _, cg := range f.Comments {
		l := fset.Position(cg.End()).Line
		if (l == line || l == line-1) && strings.Contains(cg.Text(), excuse) {
			return true
		}
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if ok && fn.Pos() <= pos && pos < fn.End() && fn.Doc != nil && strings.Contains(fn.Doc.Text(), excuse) {
			return true
		}
	}
	return false
}
