package order

// Party is the side of an order an actor stands on.
type Party string

const (
	// PartyFamily is the orderer or any member of the elder's family.
	PartyFamily Party = "family"
	// PartyProvider is an admin or staff member of the order's provider.
	PartyProvider Party = "provider"
	// PartyCaregiver is a caregiver; the order itself checks it is the
	// one offered or assigned.
	PartyCaregiver Party = "caregiver"
	// PartyElder is the elder, on their own account linked to their
	// profile: they may confirm their visit with its code, nothing else.
	PartyElder Party = "elder"
	// PartySystem is kincare's own timers: expiry, auto-confirmation,
	// no-show detection, automatic offers.
	PartySystem Party = "system"
)

// Parties lists every party.
var Parties = []Party{PartyFamily, PartyProvider, PartyCaregiver, PartyElder, PartySystem}

// Actor is who asks the order to change. The app sets Party only after
// checking the user's relation to the order (family membership, provider
// staff); the system acts without a user.
type Actor struct {
	UserID string
	Party  Party
}

// ByFamily is a family member acting.
func ByFamily(userID string) Actor { return Actor{UserID: userID, Party: PartyFamily} }

// ByProvider is a provider admin or staff member acting.
func ByProvider(userID string) Actor { return Actor{UserID: userID, Party: PartyProvider} }

// ByCaregiver is a caregiver acting.
func ByCaregiver(userID string) Actor { return Actor{UserID: userID, Party: PartyCaregiver} }

// ByElder is the elder acting on their own account.
func ByElder(userID string) Actor { return Actor{UserID: userID, Party: PartyElder} }

// BySystem is a timer acting.
var BySystem = Actor{Party: PartySystem}

// valid refuses a party we do not know and a person without an id: an
// anonymous "family" could never be audited.
func (a Actor) valid() bool {
	switch a.Party {
	case PartySystem:
		return true
	case PartyFamily, PartyProvider, PartyCaregiver, PartyElder:
		return a.UserID != ""
	}
	return false
}
