// Package order is a home-care order (上门服务订单) from quote to
// confirmation: who ordered it for whom, what it costs in fen, when and
// where it is delivered, who is offered it and who wins it, what the
// caregiver did at the door, and how it ends. Its state machine is a
// table (transitions.go) so the rules can be read, listed and tested as
// data. Every state change records an event in the order's outbox, in the
// same document write as the change.
//
// Pure domain code: it imports only the standard library and other
// domain packages, never drivers or app/, and never reads the clock —
// every method takes now. The app vouches for an actor's party (that a
// family user belongs to the elder's family, that a provider user works
// for the order's provider); the order checks what only it knows: which
// caregivers it was offered to and which one it is assigned to.
package order
