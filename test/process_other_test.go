//go:build !linux

package e2e_test

import "os/exec"

// dieWithTest: only Linux can tie a child's life to its parent's; elsewhere
// a killed test may leave its servers running.
func dieWithTest(*exec.Cmd) {}
