# Amparo's interface in English. Every message here has its twin in ../es/main.ftl (a test checks).

## Every page

app-name = Amparo
skip-to-content = Skip to content
footer-disclaimer = Computed dates are aids, not legal advice: check every date with counsel.
nav-label = Main
nav-dashboard = Dashboard
nav-triage = Triage
nav-tasks = My tasks
nav-cases = Cases
nav-calendar = Calendar
nav-intake = New case
nav-reviews = Reviews
nav-settings = Settings
nav-signed-in-as = { $name } ({ $role })
nav-sign-out = Sign out
language-switch = Español
language-switch-code = es
pager-label = Pages
pager-previous = Previous
pager-next = Next
showing = Showing { $first }–{ $last } of { $total }.
showing-many = Showing { $first }–{ $last } of more than { $total }.
badge-critical = critical care
answer-yes = yes
answer-no = no
filter-program = Programme
filter-any-program = Any programme
filter-apply = Apply

## Sign-in

login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in
login-password-changed = Your password was changed. Sign in with the new one.
login-expired = Your session expired. Please sign in again.
login-refused = The email or the password is not right.
login-throttled = { $minutes ->
    [one] Too many failed sign-ins. Try again in 1 minute.
   *[other] Too many failed sign-ins. Try again in { $minutes } minutes.
}

## Error pages

error-title = Error { $status }
error-heading-not-found = Not found
error-heading-conflict = Conflict
error-heading-forbidden = Not allowed
error-heading-other = Something is wrong
error-heading-unavailable = Temporarily unavailable
error-back = Back to the start
error-csrf = The form has expired. Reload the page and try again.
error-not-found = What you asked for was not found.
error-unauthenticated = You are not signed in.
error-unavailable = The database cannot be reached or cannot record anything right now (incident { $incident }). Nothing was shown or changed: every look at a case is recorded first, and that record could not be written. Try again in a few minutes; if this persists, tell an administrator.
error-internal = Something went wrong on our side (incident { $incident }). Nothing was changed.
error-reset-link = This password-reset link is not valid: it was used, it expired or it was mistyped. Ask an administrator of your organisation for a new one.
error-invalid = This could not be accepted:
error-conflict = This could not be saved:

## Case list

cases-title = Cases
cases-search-submit = Search
cases-search-label = Search by reference, name, A-number or receipt number
cases-filter-label = Search and filter the cases
cases-filters = Filters
cases-order = Order
cases-sort-by = Sort by
cases-direction = Direction
cases-direction-usual = Usual for the column
cases-ascending = Ascending (A to Z, earliest, lowest first)
cases-descending = Descending (Z to A, latest, highest first)
cases-clear-filters = Clear search and filters
cases-none-match = No case matches this search and these filters.
cases-none-yet = There are no cases yet.
cases-table-caption = Cases, sorted as chosen above; each column heading sorts by it
filter-status = Status
filter-any-status = Any status
filter-assigned = Assigned to
filter-anyone = Anyone
filter-me = Me
col-reference = Reference
col-patient = Patient
col-programme = Programme
col-people = People
col-covered-until = Covered until

## Case page

case-title = Case { $reference }
case-meta = Programme: { $program } · Version { $version }
case-escalations = Escalations and tasks
case-no-escalations = No escalations or tasks.
escalation-open-label = Open escalation
escalation-open-heading = Open
escalation-closed-label = Closed escalation
escalation-closed-heading = Closed
escalation-opened = Opened { $when }
escalation-closed-because = closed { $when }: { $why }
escalation-resolved-by-timeline = resolved by the timeline
escalation-checklist-done = every task of the checklist is done
escalation-closed-at = closed { $when }
case-other-tasks = Other tasks
case-assigned = Assigned
assign-current = { $role }: { $name }
assign-nobody = Nobody
assign-nobody-current = nobody
assign-save = Save { $role }
case-status = Status and deadlines
case-computed = Computed as of { $today } by the rules below. These dates are aids, not legal advice: check each one against the notices and with counsel.
case-covered-until = Covered until:
coverage-heading = Health coverage
coverage-hint = Federal coverage facts per person as the rules derive them from the timeline; check them with a benefits advisor before relying on them.
coverage-qualified-alien = Qualified alien
coverage-entrant = Cuban/Haitian entrant
coverage-medicaid = Federal Medicaid and CHIP
coverage-why = Why
coverage-source = Source
coverage-not-assessed = not assessed (another status decides)
coverage-medicaid-eligible = eligible
coverage-medicaid-children-option = only where the state covers lawfully residing children and pregnant people
coverage-medicaid-not-eligible = not eligible
coverage-medicaid-not-assessed = not assessed
col-person = Person
col-status = Status
col-parole-ends = Parole ends
case-no-deadlines = No deadlines derived.
deadline-overdue = overdue
deadline-past = past
deadline-advisory = advisory: shown for its why, never overdue
deadline-whole-case = whole case
deadline-source = { $citation } · basis: { $basis } · rule { $rule }
case-family = Family
col-name = Name
col-role = Role
col-born = Born
col-a-number = A-number
col-citizenship = Citizenship
col-language = Language
language-without-texts = { $code } (no Amparo texts: English is shown)
case-language-fallback = Amparo has no texts in { $codes }, a preferred language on this case: the family letter and other family-facing material are shown in English, unless someone on the case reads Spanish.
case-medical = Medical profile
medical-patient = Patient
medical-condition = Condition
medical-regimen = Regimen
medical-hours = Hours per day
medical-facility = Treating facility
medical-available = Care available in country of origin
medical-days-to-harm = Days to critical harm if care stops
medical-attested = Last attested
medical-none = No medical facts recorded.
case-timeline = Timeline
timeline-empty = Nothing recorded yet.
timeline-corrected-by = corrected by
timeline-unlinked = names no notice
timeline-unlinked-note = Some answers on this timeline name no notice: each was taken to answer only the latest open notice of its kind. To say which notice an answer answers, record it again, choose the notice it answers and the entry it corrects.
timeline-recorded-by = recorded by { $name }, { $when }
timeline-imported = imported, { $when }
timeline-former-member = a former member
timeline-everyone = everyone
detail-valid-until = valid until { $date }
detail-served-by = served by { $how }
detail-effective = effective { $date }
detail-depart-by = depart by { $date }
detail-departure-moot = departure date of { $date } no longer applies
detail-respond-by = respond by { $date }
detail-pay-by = pay by { $date }
detail-receipt = receipt { $receipt }
detail-days-to-harm = { $days ->
    [one] 1 day to critical harm
   *[other] { $days } days to critical harm
}

## Languages people speak

language-en = English
language-es = Spanish

## Programmes

program-humanitarian = Humanitarian parole (I-131)
program-u4u = Uniting for Ukraine
program-oaw = Operation Allies Welcome
program-chnv = CHNV
program-cbp_one = CBP One
program-frp = Family Reunification Parole
program-other = Other

## Roles of staff

role-admin = Administrator
role-attorney = Attorney
role-advocate = Advocate
role-clinician = Clinician
role-viewer = Viewer

## Roles of people in a case

person-role-patient = Patient
person-role-parent = Parent
person-role-guardian = Guardian
person-role-sibling = Sibling
person-role-other = Other family member

## Statuses

status-paroled = Paroled
status-requested = Parole requested
status-terminated = Parole terminated
status-expired = Parole expired
status-departed = Departed
status-none = No status
status-other_status = Other immigration status

## Legal basis of a deadline

basis-law = law
basis-practice = practice
basis-policy = organisation policy

## How a notice was served

served-mail = mail
served-email = email
served-personal = in person
served-online = online

## Event types

event-parole_requested = Parole requested
event-parole_granted = Parole granted
event-parole_denied = Parole denied
event-termination_notice = Termination notice
event-re_parole_filed = Re-parole filed
event-rfe_received = Request for evidence (RFE) received
event-rfe_answered = Request for evidence (RFE) answered
event-noid_received = Notice of intent to deny (NOID) received
event-noid_answered = Notice of intent to deny (NOID) answered
event-motion_filed = Motion filed
event-ead_filed = Work permit (EAD) applied for
event-ead_approved = Work permit (EAD) approved
event-fee_notice = Fee notice
event-fee_paid = Fee paid
event-i94_updated = I-94 date changed
event-i94_checked = I-94 checked
event-ead_revocation_notice = Notice of intent to revoke work permit
event-ead_revocation_answered = Work permit revocation answered
event-ead_revoked = Work permit revoked
event-status_granted = Other status granted
event-nta_served = Notice to Appear served
event-address_changed = Address changed
event-address_reported = Address reported
event-registered_at_14 = Registered at 14
event-arrived = Arrived in the United States
event-asylum_filed = Asylum application filed
event-departed = Departed the United States
event-medical_attested = Medical attestation

## Deadline kinds

deadline-parole_ends = Parole ends
deadline-re_parole_file_by = File re-parole by
deadline-re_parole_window_opens = Re-parole window opens
deadline-ead_ends = Work permit ends
deadline-depart_by = Depart by
deadline-rfe_response_due = RFE response due
deadline-noid_response_due = NOID response due
deadline-motion_due = Motion due
deadline-fee_due = Fee due
deadline-address_report_due = Address report due
deadline-asylum_one_year = Asylum one-year date
deadline-ead_revocation_response_due = Work permit revocation response due
deadline-i94_recheck_by = Check the I-94 by
deadline-reentry_bar_ends = Re-entry bar ends
deadline-registration_at_14_due = Registration at 14 due
deadline-medical_attestation_refresh_by = Renew medical attestation by
deadline-unlawful_presence_181 = Day 181 of unlawful presence (3-year bar)
deadline-unlawful_presence_365 = One year of unlawful presence (10-year bar)

## Triage board

triage-title = Triage
triage-intro = Open cases, most urgent first. Each row says why it sits where it does.
triage-filter-label = Filter the board
triage-show = Show
triage-critical-only = Critical care only
triage-mine = Assigned to me
triage-due-within = Next deadline within (days)
triage-none = No open cases match.
col-score = Score
col-next-deadline = Next deadline
col-why = Why
triage-open-escalations = { $count ->
    [one] 1 open escalation
   *[other] { $count } open escalations
}
triage-nothing-pressing = nothing pressing

## Tasks

tasks-title = My tasks
tasks-none = Nothing is waiting for you.
tasks-summary = { $count ->
    [one] 1 open task.
   *[other] { $count } open tasks.
}
tasks-overdue = { $count } overdue.
tasks-order = Earliest due first.
notice-task-completed = Task marked done.
notice-task-reassigned = Task reassigned.
task-overdue = overdue
task-owner-due = Owner: { $owner } · due { $due }
task-owner = { $name } ({ $role })
task-owner-none = { $role }: nobody assigned
task-someone-gone = someone no longer here
task-done-by = Done { $when } by { $name }.
task-done = Done { $when }.
task-not-needed = Not done; no longer needed since the escalation closed.
task-note = Note: { $note }
task-note-label = Note (optional)
task-mark-done = Mark done
task-give-to = Give to
task-choose-someone = Choose someone
task-reassign = Reassign

## Programme reviews

reviews-title = Programme review
reviews-intro = When a programme changes, select the cases it touches, check the list, then open one review task on each. Opening the same review again adds nothing to cases that already have it.
reviews-select = 1. Select cases
reviews-legend = Cases matching every condition given
reviews-class = Class of admission
reviews-citizenship = Citizenship (two-letter country code)
reviews-parole-ends-before = Parole ends before
reviews-preview = Preview
reviews-check = { $count ->
    [one] 2. Check the selected case
   *[other] 2. Check the { $count } selected cases
}
reviews-no-match = No case matches.
reviews-open = 3. Open the review
reviews-key = Review name (opening it again under the same name adds nothing)
reviews-title-en = Task title in English
reviews-title-es = Task title in Spanish
reviews-due-in = Due within (hours)
reviews-submit = Open review tasks
reviews-outcome = { $created ->
    [one] Opened 1 review task
   *[other] Opened { $created } review tasks
} on { $selected ->
    [one] 1 case
   *[other] { $selected } cases
} selected; { $existing ->
    [one] 1 case already had it.
   *[other] { $existing } cases already had it.
}

## Intake

intake-title = New case
intake-intro = Everything about the case in one form. Nothing is saved until the whole case is valid; if something is wrong, the form comes back with what you typed and says what to fix.
intake-case = Case
intake-reference = Case reference
intake-required = (required)
intake-patient = Patient
intake-member = Family member { $number }
intake-given-name = Given name
intake-family-name = Family name
intake-citizenship = Citizenship (two-letter country code)
intake-not-known = Not known
intake-language-code = Preferred language: a code such as en, es, ht, prs or es-MX; empty if not known
intake-representative = Representative
intake-representative-hint = The attorney who represents the family. You can assign one later on the case page.
intake-not-yet = Not yet
intake-medical-hint = The patient's medical facts, as the treating clinician attests them.
intake-attested-on = Attested on
intake-event = Event { $number }
intake-event-hint = What has happened so far: the parole grant, a notice received, a filing. Leave a row empty to skip it.
intake-event-type = What happened
intake-choose = Choose
intake-event-on = On (date)
intake-valid-until = Valid until
intake-served-by = Served by
intake-not-applicable = Does not apply
intake-effective = Effective on
intake-depart-by = Depart by
intake-respond-by = Respond by
intake-receipt = Receipt number
intake-add-person = Add a family member
intake-add-event = Add an event
intake-save = Create the case
intake-error-summary = { $count ->
    [one] There is 1 problem with the case
   *[other] There are { $count } problems with the case
}
intake-error-required = This is required.
intake-error-whole-number = Enter a whole number.
intake-error-representative = Choose one of the organisation's attorneys.
intake-error-reference-taken = Another case already has this reference.
intake-error-unknown = The case could not be checked.
intake-duplicate-title = This case may already be in Amparo
intake-duplicate-intro = Nothing has been saved. Open the existing case to check it, change the form below, or save the new case anyway.
intake-duplicate-a-number = { $person } has the same A-number as a person on this case.
intake-duplicate-name-birth-date = { $person } has the same name and birth date as a person on this case.
intake-duplicate-save-anyway = Save anyway as a new case
intake-duplicate-go-back = Change the form
intake-reference-next = The next reference in your organisation's pattern is { $reference }.
intake-reference-format = References often follow the pattern PREFIX-YEAR-NUMBER, such as { $example }.

## Recording an event on the case page

event-form-title = Record an event
event-form-hint = What happened, on which day, and the dates printed on the notice. The event applies to everyone on the case. To correct an earlier entry, record it again and choose the entry it corrects.
event-form-pay-by = Pay by
event-form-amount = Amount (US dollars, e.g. 630.00)
event-form-note = Note
event-form-supersedes = Corrects an earlier entry
event-form-supersedes-none = No
event-form-answers = Answers which open notice (answers only)
event-form-answers-latest = The latest open notice of its kind
event-form-submit = Record the event
event-form-conflict = Someone else changed this case after you opened it, so your entry was not saved. The page now shows the case as it is; your entry is still in the form below. Check it against the timeline, then record it again.

## Dashboard

dashboard-title = Dashboard
dashboard-urgent = Most urgent
dashboard-whole-board = { $count ->
    [one] The whole board (1 open case)
   *[other] The whole board ({ $count } open cases)
}
dashboard-whole-board-many = The whole board (more than { $count } open cases)
dashboard-overdue = Overdue
dashboard-no-overdue = No deadline is overdue.
dashboard-days-late = { $days ->
    [one] 1 day late
   *[other] { $days } days late
}
dashboard-deadlines = Deadlines in the next 14 days
dashboard-no-deadlines = Nothing is due in the next 14 days.
dashboard-in-days = { $days ->
    [0] today
    [one] tomorrow
   *[other] in { $days } days
}
dashboard-more-many = and more than { $count } other deadlines.
dashboard-more = { $count ->
    [one] and 1 more.
   *[other] and { $count } more.
}
dashboard-all-tasks = { $count ->
    [one] All my tasks (1)
   *[other] All my tasks ({ $count })
}
dashboard-escalations = Open escalations
dashboard-no-escalations = No escalation is open.

## Calendar

calendar-feeds-link = Subscribe in your calendar app
feeds-subscribe = Open in your calendar app (webcal)
calendar-title = Calendar
calendar-months = Months
calendar-this-month = This month
calendar-bad-month = The month must be written as YYYY-MM, for example 2026-11. Showing this month.
calendar-total = { $count ->
    [0] No deadline falls in this month.
    [one] 1 deadline this month.
   *[other] { $count } deadlines this month.
}
calendar-caption = Deadlines of { $month }, by week
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday

## Settings

settings-title = Settings
settings-disk-low = The disk under the database is nearly full ({ $free } MiB free). When it is full, case pages and sign-ins stop, because their audit entries cannot be written. Ask the operator to make room.
settings-disk-reserve-spent = The disk under the database filled up and the room reserved for the audit trail is being used ({ $free } MiB free). Case pages and sign-ins will stop soon. Ask the operator to make room now.
settings-saved = { $count ->
    [one] Policy saved; 1 case was recomputed.
   *[other] Policy saved; { $count } cases were recomputed.
}
settings-error-summary = The policy was not saved:
settings-error-days = Enter a whole number of days from { $min } to { $max }.
settings-error-closure = “{ $line }” is not a date; write one date per line as YYYY-MM-DD.
settings-policy = Organisation policy
settings-policy-hint = Saving recomputes every case's deadlines at once.
settings-lead-days = Re-parole: file this many days before parole ends
settings-refresh-days = Renew a medical attestation after this many days
settings-threshold-days = Critical care: days to critical harm at most
settings-i94-check-days = Check the online I-94 again: days after the latest grant or check
settings-closure-days = Office closure days
settings-closure-hint = One date per line (YYYY-MM-DD). Internal targets move back past them; legal deadlines do not move.
settings-save = Save the policy
settings-staff = Staff and roles
settings-staff-hint = People are added with the command line (amparo user add). Changing a role ends the person's sessions: they sign in again under the new role (a new administrator first sets up a second factor).
settings-role = Role
settings-checklists = Escalation checklists
settings-checklists-hint = The tasks each kind of escalation starts with. A change applies to escalations opened from then on. To remove a task, clear its titles and hours; the empty task at the end adds one.
settings-checklists-own = This organisation's own checklists ({ $id }).
settings-checklists-server = The server's checklists ({ $id }); saving one makes them this organisation's own.
settings-checklists-reset = Use the server's checklists again
settings-checklist-save = Save the checklist: { $trigger }
settings-checklist-saved = The checklist was saved. Escalations opened from now on follow it.
settings-checklist-error-summary = The checklist was not saved:
settings-checklist-count = { $count ->
    [one] 1 task
   *[other] { $count } tasks
}
settings-task-number = Task { $number }
settings-task-title-en = Title in English
settings-task-title-es = Title in Spanish
settings-task-owner-label = Who does it
settings-task-hours = Due within (hours)
settings-task-hours-critical = Due within on a critical-care case (hours)
trigger-termination_notice = Termination notice on a critical-care case
trigger-parole_denied = Parole denied on a critical-care case
trigger-noid_received = Notice of intent to deny (NOID) received
trigger-parole_expiring = Critical-care case near the end of parole, re-parole not filed
error-forbidden = Your role does not allow this; ask an administrator of your organisation.

## Case page additions

case-print = Print view
case-overdue = Overdue:
case-standing = Where each person stands
case-next-deadline = Next deadline:
timeline-superseded = corrected, no longer counts
print-printed = printed { $when }
print-back = Back to the case
case-letter-en = Family letter (English)
case-letter-es = Family letter (Spanish)
nav-unread = ({ $count } unread)
nav-notifications = Notifications
reset-title = Choose a new password
reset-intro = For { $email }. At least { $min } characters; a few unrelated words make a good one.
reset-password = New password
reset-confirm = The same password again
reset-submit = Set the password
reset-differ = The two passwords differ; type the same one twice.

## Why a password was refused (amparo_trust::password_policy::PasswordError)
password-too-short = Use at least { $min } characters (this one has { $actual }). A few unrelated words make a good passphrase.
password-too-long = Use at most { $max } characters.
password-blocklisted = This password is too common: it is on the lists attackers try first. Choose another.
password-context-word = This password is built around “{ $word }”, which is easy to guess from your account or this service. Choose something else.
password-repetitive = This password is a repeated or sequential pattern. Choose something less predictable.

## Second factor (TOTP)
nav-security = Security
error-second-factor-required = Set up a second factor first: sign in to the web app and follow its steps.
second-factor-title = Enter your code
second-factor-intro = Open the authenticator app on your phone and enter the six-digit code it shows for Amparo.
second-factor-code = Six-digit code
second-factor-submit = Continue
second-factor-start-again = Start again with your password
second-factor-wrong-code = That code is not right. Check that your phone's clock is correct and enter the code your app shows now.
second-factor-code-used = That code was already used. Wait for the next code your app shows and enter it.
second-factor-enrolled = Your second factor is set up. From now on, sign-in asks for a code from your app.
second-factor-removed = Your second factor was removed.
security-title = Sign-in security
security-must-enrol = Before you continue, set up a second factor: your organisation requires one for your account.
security-factor-heading = Second factor (authenticator app)
security-factor-on = A second factor is on: sign-in asks for a code from your authenticator app.
security-factor-off = No second factor yet. With one, a stolen password alone does not open your account, and a password of 8 characters is enough.
security-factor-required = A second factor is required for your account.
security-step-app = Install an authenticator app on your phone (any app for "TOTP" codes).
security-step-scan = In the app, add an account by scanning this code.
security-qr-label = QR code to add Amparo to your authenticator app
security-secret-caption = If you cannot scan it, type this key:
security-step-confirm = Enter the six-digit code the app now shows
security-confirm = Turn on the second factor
security-remove-help = To turn the second factor off, enter a current code from your app.
security-remove-required = Your account requires a second factor: if you remove this one (a new phone, say), you set up another before you continue. Enter a current code from your app.
security-remove = Remove the second factor
settings-second-factor-heading = Second factor
settings-second-factor-help = Administrators always need a second factor. Tick to require one of every member; members without one set it up at their next page.
settings-second-factor-everyone = Require a second factor of every member
settings-second-factor-save = Save

## Sharing a case with clinicians (case page)

share-heading = Shared with clinicians
share-hint = A clinician sees only the cases shared with them: the family, medical facts and deadlines, never the legal timeline.
share-none = This case is not shared with any clinician.
share-with = Share with a clinician
share-choose = Choose a clinician
share-submit = Share the case
share-remove = Stop sharing
share-remove-label = Stop sharing with { $name }
share-no-clinicians = There is no other clinician in your organisation to share this case with.
share-notice-shared = The case is now shared with the clinician.
share-notice-unshared = The case is no longer shared with that clinician.
share-error-choose = Choose the clinician to share the case with.
share-error-unknown-user = That person is not a member of your organisation.
share-error-not-clinician = Cases are shared only with clinicians; this person sees cases through their role.
share-error-already = The case is already shared with this clinician.
share-error-not-shared = The case was not shared with this clinician.

## Roles (settings)

settings-role-for = Role of { $name }
settings-role-save = Save
settings-role-save-whose = the role of { $name }
settings-role-you = (you)
settings-role-changed = { $name } is now: { $role }. Their sessions ended; they sign in again under the new role.
settings-role-error-summary = The role was not changed:
settings-role-error-unknown = Choose one of the roles listed.
settings-role-error-last-admin = { $name } is the organisation's last administrator. Make someone else an administrator first.

## Audit trail

nav-audit = Audit trail
audit-title = Audit trail
audit-intro = Who did what, and when: reads and changes of cases, letters, tasks and calendar feeds, imports and exports, sharing, roles, policy, sign-ins and their security. Entries hold ids and settings, never names, identifiers or medical facts.
audit-caption = Audit entries, newest first
audit-export = Download the whole trail (JSON)
audit-filters = Filters
audit-filter-action = Action
audit-filter-action-any = Any action
audit-filter-actor = Done by
audit-filter-actor-any = Anyone
audit-filter-from = From
audit-filter-to = To
audit-filter-case = Case reference
audit-dates-hint = Days as YYYY-MM-DD, both included, in the organisation’s time zone.
audit-filter-submit = Show entries
audit-filter-clear = Clear the filters
audit-col-when = When
audit-col-who = Who
audit-col-what = What
audit-col-target = On what
audit-col-detail = Details
audit-system = The system (command line or background work)
audit-target-case = Case
audit-none = No entry matches these filters.
audit-error-summary = The filters were not applied:
audit-error-action = Choose an action from the list.
audit-error-actor = Choose a member of your organisation from the list.
audit-error-case = No case of your organisation has this reference.
audit-error-date = Write the day as YYYY-MM-DD, for example 2026-11-23.
audit-error-range = The last day comes before the first day.
audit-chain-ok-whole = The chain is intact: all { $count } entries were checked, each against the one before.
audit-chain-ok-recent = The chain is intact as far as this page checks: the { $count } most recent entries, each against the one before. The command `amparo audit verify` checks every entry.
audit-chain-broken = The chain is broken ({ $detail }): the trail was changed outside Amparo. Tell the operator at once.
audit-action-case-read = Case read
audit-action-case-duplicate-shown = Case shown as a possible duplicate at intake
audit-action-case-shared = Case shared with a clinician
audit-action-case-unshared = Case no longer shared with a clinician
audit-action-user-role-changed = Role changed
audit-action-policy-changed = Policy changed
audit-action-escalation-templates-changed = Escalation checklists changed
audit-action-organisation-second-factor-requirement = Second-factor requirement changed
audit-action-second-factor-enrolled = Second factor set up
audit-action-second-factor-removed = Second factor removed
audit-action-second-factor-reset = Second factor reset by an administrator
audit-action-password-reset-issued = Password-reset link issued
audit-action-password-reset = Password reset
audit-action-sessions-ended = Signed out everywhere
audit-action-sign-in-succeeded = Signed in
audit-action-sign-in-failed = Sign-in refused (wrong password)
audit-action-letter-read = Family letter read
audit-action-event-recorded = Event recorded
audit-action-case-assigned = Staff assigned to a case
audit-action-cases-imported = Cases imported or taken in
audit-action-case-exported = Case exported (command line)
audit-action-case-list-exported = Case list downloaded (CSV)
audit-action-deadlines-exported = Deadlines downloaded (CSV)
audit-action-tasks-exported = Tasks downloaded (CSV)
audit-action-task-completed = Task completed
audit-action-task-reassigned = Task reassigned
audit-action-feed-created = Calendar feed created
audit-action-feed-read = Calendar feed fetched

## What is wrong with a field (forms, error pages)

problem-required = This is required.
problem-missing = This is required ({ $field } is missing).
problem-required-for = Required for an event of this type ({ $type }).
problem-not-a-field-of = An event of this type ({ $type }) does not take this field.
problem-unknown-event-type = “{ $value }” is not a type of event Amparo knows.
problem-too-long = At most { $max } characters.
problem-too-many-people = A case can have at most { $max } people.
problem-too-many-events = A case can have at most { $max } events.
problem-control-character = Contains a control character; type it again rather than pasting it.
problem-not-a-key = “{ $value }” is not a key: use 1 to 32 letters, digits, “-” or “_”.
problem-duplicate-person-key = Another person on this case has the key “{ $key }”.
problem-no-people = A case needs at least its patient.
problem-no-patient = One person, and only one, must be the patient; no one is.
problem-second-patient = Only one person can be the patient; this is the second.
problem-no-such-person = No one on this case has the key “{ $key }”.
problem-empty-persons = Leave it out to mean everyone on the case; an empty list means no one.
problem-person-listed-twice = “{ $key }” is listed twice.
problem-duplicate-event-id = Another event on this case has the id “{ $id }”.
problem-no-such-earlier-event = No earlier event on this case has the id “{ $id }”.
problem-before-event-date = { $date } is before the date of the event ({ $on }).
problem-after-today = { $date } is after today ({ $today }).
problem-between = Must be between { $min } and { $max }.
problem-at-most = Must be at most { $max }.
problem-not-negative = Must be zero or more.
problem-not-a-whole-number = Write a whole number.
problem-whole-number-between = Write a whole number from { $min } to { $max }.
problem-unknown-parameter = Amparo does not know this parameter; check its spelling.
problem-exclusive = Give either this or { $other }, not both.
problem-no-such-staff = That person is not on the staff of this organisation.
problem-viewer-owns-no-tasks = A viewer only reads cases and cannot be given tasks.
problem-case-not-shared-with-owner = This case is not shared with that clinician. Share the case with them, or assign them to it, first.
problem-length-between = Write { $min } to { $max } characters.
problem-no-condition = Give at least one condition, or every case would be selected.
problem-no-such-case = No case of this organisation has the reference “{ $reference }”.
problem-not-true-false = Expected true or false.
problem-not-a-date = “{ $value }” is not a date; write it as YYYY-MM-DD, for example 2026-11-23.
problem-not-an-a-number = “{ $value }” is not an A-number: the letter A followed by 7 to 9 digits.
problem-not-a-receipt-number = “{ $value }” is not a receipt number: 3 letters followed by 10 digits, as on the receipt notice.
problem-not-an-i94-number = “{ $value }” is not an I-94 number: 11 digits, or 9 digits, a letter and a digit.
problem-not-a-country-code = “{ $value }” is not a country code: two capital letters (ISO 3166-1), for example MX.
problem-not-a-case-reference = “{ $value }” is not a case reference: 1 to 64 letters, digits, “-”, “_”, “.” or “/”.
problem-wrong-format = Expected the format { $expected }; found { $found }.
problem-unknown-field = “{ $field }” is not a field Amparo accepts here.
problem-duplicate-field = “{ $field }” is given twice.
problem-unknown-value = “{ $value }” is not one of the choices: { $expected }.
problem-wrong-type = Expected { $expected }.
problem-unreadable = This value could not be read ({ $detail }).
problem-not-an-amount = “{ $value }” is not an amount: dollars from 0 to 1,000,000 with at most 2 decimals, for example 1000.00.
problem-date-out-of-range = { $date } is outside the dates accepted (1900-01-01 to 2199-12-31).
problem-already-superseded = Event “{ $id }” is already corrected by another event; correct that correction instead.
problem-not-answerable = Event “{ $id }” is not a { $type }, the notice this answers.
problem-answer-before-notice = Event “{ $id }” is dated { $on }, after this answer.
problem-not-a-language-code = “{ $value }” is not a language code: ISO 639, 2 or 3 lower-case letters, optionally a region (es, prs, es-MX, es-419).
expected-text = text
expected-whole-number = a whole number
expected-number = a number
expected-true-false = true or false
expected-list = a list
expected-object = an object

## CSV downloads
export-download = Download CSV
export-download-cases = Download these cases as CSV
export-download-deadlines = Download these deadlines as CSV
export-download-tasks = Download my tasks as CSV
export-col-next-deadline-kind = Next deadline kind
export-col-critical-care = Critical care
export-col-due = Due
export-col-deadline = Deadline
export-col-overdue = Overdue
export-col-advisory = Advisory only
export-col-task = Task
export-col-note = Note

## Closing and reopening a case
closure-closed-heading = This case is closed
closure-banner-by = Closed on { $when } by { $name }. Reason: { $reason }.
closure-banner = Closed on { $when }. Reason: { $reason }.
closure-reopen = Reopen the case
closure-close-summary = Close this case
closure-close-hint = A closed case leaves the board, the dashboard, reminders and the calendar, and its open escalations are suspended until it is reopened. It stays in the case list under “Closed”.
closure-reason = Reason for closing
closure-note = Note (required when the reason is “Other”)
closure-close-submit = Close the case
closure-error-reason = Choose why the case is closed.
closure-conflict = Someone else changed this case after you opened it, so it was not closed or reopened. The page now shows the case as it is; what you typed is still in the form. Check the case, then try again.
closure-reason-other-status = The family obtained another status
closure-reason-moved = The family moved away
closure-reason-withdrew = The family withdrew
closure-reason-no-longer-represented = No longer represented
closure-reason-deceased = The patient died
closure-reason-other = Other
badge-closed = closed
filter-closed = Open or closed
filter-closed-open = Open cases
filter-closed-closed = Closed cases
filter-closed-all = All cases
## Case notes and contacts
evidence-heading = Documents and evidence
evidence-none = No documents yet.
evidence-add = Add a document
evidence-kind = Kind of document
evidence-title = Title
evidence-dated = Date on the document
evidence-event = Belongs to the event
evidence-person = About
evidence-file = File
evidence-file-hint = PDF, JPEG, PNG, HEIC, Word (DOCX) or plain text, up to { $max } MiB. Files are kept encrypted.
evidence-submit = Upload
evidence-view = View
evidence-download = Download
evidence-about-event = event { $id }
attachment-choose-kind = Choose…
attachment-no-event = No event
attachment-no-person = The whole case
attachment-dated = dated { $date }
attachment-about = { $type }, { $kib } KB
attachment-kind-notice = Notices
attachment-kind-i94 = I-94 records
attachment-kind-medical_letter = Medical letters
attachment-kind-identity = Identity documents
attachment-kind-evidence = Evidence
attachment-kind-filing = Filings
attachment-kind-correspondence = Correspondence
attachment-kind-other = Other documents
timeline-attachments = Documents:
notes-heading = Notes and activity
notes-none = No notes yet.
notes-type = Kind
notes-event = About the event
notes-no-event = The whole case
notes-text = Note
notes-text-hint = Up to 4,000 characters. Notes are kept encrypted and never change the case’s dates.
notes-submit = Add note
notes-pinned = Pinned
notes-pin = Pin to top
notes-unpin = Unpin
notes-byline = { $name }, { $when }
notes-byline-unknown = Imported, { $when }
notes-about-event = about event { $id }
note-type-note = Note
note-type-call = Call
note-type-meeting = Meeting
note-type-email = Email
note-type-message = Message
contacts-heading = Contacts
contacts-family = The family
contacts-professionals = People working on the case
contacts-none = No contacts yet.
contacts-col-role = Role
contacts-edit = Edit contacts
contacts-submit = Save contacts
contacts-conflict = Someone changed this case while you were editing its contacts. What you typed is kept below; check the case and save again.
contacts-field-phone = Phone
contacts-field-email = Email
contacts-field-messaging-app = Messaging app (app and number or handle)
contacts-field-postal-address = Postal address
contacts-field-preferred-method = Preferred way to reach them
contacts-field-preferred-language = Preferred language (code, e.g. es or es-MX)
contacts-field-interpreter-needed = Interpreter needed
contacts-field-name = Name
contacts-field-organisation = Organisation
contacts-method-none = Not said
contacts-method-phone = Phone call
contacts-method-email = Email
contacts-method-message = Messaging app
contacts-method-mail = Post
contacts-method-in-person = In person
contact-role-social-worker = Hospital social worker
contact-role-physician = Treating physician
contact-role-facility = Facility
contact-role-consulate = Consulate
contact-role-congressional-caseworker = Congressional caseworker
contact-role-pro-bono-counsel = Pro bono counsel
problem-file-empty = The file is empty.
problem-file-too-large = The file is larger than the { $max } MiB accepted.
problem-file-type-not-accepted = This type of file is not accepted: upload a PDF, a JPEG, PNG or HEIC picture, a Word document (DOCX) or plain text.
problem-no-such-event = This case has no event with the id “{ $id }”.
problem-duplicate-note-id = Note number { $id } is given twice.
problem-not-an-email = “{ $value }” is not an email address (for example name@example.org).
problem-not-a-phone-number = “{ $value }” is not a phone number: 7 to 15 digits, optionally with +, spaces, dots, dashes or brackets.
timeline-case-note = Note { $id }
## Editing a case after intake, its history, and voided events
edit-heading = Change the case
edit-open = Change the case’s details, its people or its medical profile
edit-open-medical = Update the medical profile
edit-case-summary = Reference and programme
edit-medical-summary = Medical profile
edit-person-summary = { $name }: change details
edit-person-remove = Remove { $name } from the case
edit-person-key = Short key (letters, digits, - or _; events name the person by it)
edit-add-person = Add a family member
edit-save = Save the change
history-heading = History of changes
history-empty = No change since intake.
history-by = by { $name }, { $when }
history-change = { $field }: { $before } → { $after }
history-case-updated = Case changed
history-person-added = { $name } added
history-person-updated = { $name } changed
history-person-removed = { $name } removed
history-by-command-line = the command line
history-field-key = Key
history-field-given-name = Given name
history-field-family-name = Family name
history-field-role = Role
history-field-birth-date = Birth date
history-field-a-number = A-number
history-field-citizenship = Citizenship
history-field-preferred-language = Preferred language
history-field-medical-person = Medical profile: person
history-field-medical-condition = Condition
history-field-medical-regimen = Regimen
history-field-medical-hours-per-day = Hours per day
history-field-medical-facility = Treating facility
history-field-medical-available-in-origin-country = Care available in country of origin
history-field-medical-days-to-critical-harm = Days to critical harm if care stops
history-field-medical-attested-on = Last attested
timeline-void = void, no longer counts
timeline-voided = Void: { $reason }
timeline-voided-by = Voided by { $name }, { $when }: { $reason }
void-summary = Void event { $id }
void-reason = Why it is void (for example: recorded on the wrong case)
void-submit = Void this event
problem-reference-taken = Another case already has the reference “{ $reference }”.
problem-patient-not-removable = The patient cannot be removed from the case; change their details instead.
problem-person-still-named = “{ $key }” is named by event “{ $id }” on the timeline; void or correct that event first.
problem-person-still-named-medical = “{ $key }” is the person the medical profile is about; change the profile first.
problem-already-voided = Event “{ $id }” is already void.
problem-event-linked = Event “{ $by }” corrects or answers event “{ $id }”; void “{ $by }” first.
audit-action-case-edited = Case edited after intake
audit-action-case-history-read = Case history read
audit-action-event-voided = Event voided
# Roles that fit the work: a clinician's medical attestation, and a form kept across a new sign-in
attestation-form-title = Record a medical attestation
attestation-form-hint = Confirm the medical facts as of the day you reviewed them: how many days until critical harm if care stops, and a note. The legal timeline is kept by the legal team.
attestation-form-submit = Record the attestation
event-form-attestation-only = Your role records medical attestations only.
login-form-kept = Your session ended, so your form was not sent. Sign in to return to your form: what you typed is kept for 30 minutes.
form-kept-notice = Your session ended before this form was sent. It is filled in with what you typed: check it, then send it again.
filters-summary = Filters and order
filters-active = filtered
task-actions = Act on this task
## Staff administration, the organisation's profile and changing one's own password
staff-manage-link = Invite, deactivate and reset passwords
profile-link = The organisation’s profile and time zone
staff-title = Staff
staff-back-to-settings = Back to settings
staff-back = Back to staff
staff-error-summary = Nothing was changed:
staff-link-once = Copy this link now and give it to the person: it is shown only once.
staff-link-label = Link
staff-link-expires = It works once, until { $when }.
staff-invite-heading = Invite a person
staff-invite-hint = They receive a one-time link to choose their name and password, then they are signed in.
staff-invite-submit = Create the invitation
staff-invited = Invitation for { $email }
staff-members-heading = Members
staff-col-state = State
staff-col-actions = Actions
staff-state-active = Active
staff-state-deactivated = Deactivated on { $when }
staff-reactivate = Reactivate
staff-reset = Password-reset link
staff-deactivate = Deactivate
staff-open-tasks = Open tasks
staff-reset-link = Password-reset link for { $name }
staff-deactivated = { $name } is deactivated: their sessions ended and their calendar feeds were revoked. Give their open tasks to someone else.
staff-reactivated = The member can sign in again.
staff-error-email-required = Email: enter the address of the person to invite.
staff-error-email-taken = Email: { $email } already belongs to a member.
staff-error-email-format = Email: “{ $email }” is not an email address (such as name@example.org).
staff-error-self = You cannot deactivate yourself; ask another administrator.
staff-error-last-admin = This is the organisation’s last active administrator; make someone else an administrator first.
staff-tasks-title = Open tasks of { $name }
staff-tasks-none = No open tasks.
staff-tasks-hint = Give each task to someone who can work its case.
staff-tasks-hint-deactivated = This member is deactivated: give each task to someone who can work its case.
profile-title = The organisation’s profile
profile-saved = The profile was saved.
profile-error-summary = The profile was not saved:
profile-name = Name
profile-address = Postal address
profile-phone = Phone
profile-email = Email
profile-letter-signature = Letter signature
profile-letter-signature-hint = The closing of family letters, such as the team’s name.
profile-time-zone = Time zone
profile-time-zone-hint = An IANA name such as America/Los_Angeles or America/New_York. Times are shown in it and “today” is its day; now it is { $now }.
profile-error-time-zone = not a time zone name; use an IANA name such as America/Los_Angeles.
profile-error-email = not an email address (such as office@example.org).
profile-save = Save the profile
password-change-link = Change your password
password-change-title = Change your password
password-change-intro = At least { $min } characters; a passphrase of a few words is easiest to remember.
password-change-current = Current password
password-change-submit = Change the password
password-change-done = Your password was changed; your other sessions ended.
password-change-error-summary = The password was not changed:
password-change-wrong-current = Current password: this is not your current password.
invite-title = Join your team
invite-intro = You are invited as { $email }, with the role { $role }. Choose the name your team sees and a password.
invite-name = Your name
invite-submit = Join and sign in
invite-error-summary = Not yet:
invite-error-name = Name: enter the name your team sees you by (up to { $max } characters).
invite-invalid-heading = This invitation cannot be used
invite-invalid = This invitation link is not valid (used, expired or mistyped). Ask an administrator for a new one.
letter-org-phone = Phone: { $value }
letter-org-email = Email: { $value }
tokens-link = API tokens
tokens-title = API tokens
tokens-intro = A token lets a program use the JSON API as you, with your role, sending it as "Authorization: Bearer" followed by the token. A read token only reads. Every use is recorded in the audit trail.
tokens-created = Your new token is below. Copy it now: it is shown only this once.
tokens-name = Name
tokens-scope = Scope
tokens-scope-read = Read only
tokens-scope-write = Read and write
tokens-expires = Expires
tokens-days = { $days ->
    [3650] In ten years
   *[other] In { $days } days
}
tokens-never = Never (until revoked)
tokens-unused = Not yet
tokens-create = Make a token
tokens-mine = Your tokens
tokens-organisation = Other tokens of the organisation
tokens-none = You have no tokens.
tokens-person = Acts as
tokens-made = Made
tokens-last-used = Last used
tokens-state = State
tokens-state-live = Live
tokens-state-expired = Expired
tokens-state-revoked = Revoked
tokens-revoke = Revoke
tokens-error-scope = Scope: choose read only, or read and write.
tokens-error-expires = Expires: choose one of the lifetimes offered.
tokens-error-name = Name: give the token a name of at most { $max } characters, such as what it is for.
audit-action-api-token-created = API token made
audit-action-api-token-used = API token used
audit-action-api-token-refused = API token refused
audit-action-api-token-revoked = API token revoked

## Reading a notice (cases::notice_reading)
notice-read-link = Read a notice
notice-read-title = Read a notice for case { $reference }
notice-read-intro = Paste the notice's text, or choose one of the case's notices or PDFs. Amparo proposes the event it reports, each value beside the words it came from; nothing is recorded until you record the event yourself.
notice-read-text = The notice's text
notice-read-text-hint = Paste the whole notice, an email or a letter, as it is.
notice-read-file = Or one of the case's notices and PDFs
notice-read-no-file = None: I pasted the text
notice-read-submit = Read the notice
notice-read-nothing = Paste the notice's text, or choose one of the case's notices or PDFs.
notice-read-both = Paste the text or choose a file, not both: clear the text to read the file.
notice-read-too-long = The text is longer than { $max } characters: paste the notice alone.
notice-read-no-such-file = That file is not one of this case's notices or PDFs.
notice-read-no-ocr = This file is a scanned image and Tesseract, which reads scans, is not installed on the server: type the notice's text into the box instead.
notice-read-no-text = This PDF holds no text and no scanned page that can be read: type the notice's text into the box instead.
notice-read-unreadable = This file cannot be read as a notice: type the notice's text into the box instead.
notice-read-proposal-title = Proposed event for case { $reference }
notice-read-not-recorded = Nothing has been recorded. Check each value against the notice, then record the event.
notice-read-from-text = Read from the text you pasted.
notice-read-from-pdf = Read from the PDF's text.
notice-read-from-ocr = Read from a scanned image by Tesseract: check every value against the paper.
notice-read-missing-count = { $count ->
    [one] One value was not found in the notice: it is left empty.
   *[other] { $count } values were not found in the notice: they are left empty.
}
notice-read-values = What the notice says
notice-read-col-field = Field
notice-read-col-value = Proposed value
notice-read-col-source = The notice's words
notice-read-event-type = Event
notice-read-notice-date = Notice date
notice-read-received-date = Received date
notice-read-i94 = I-94 number
notice-read-missing = Missing
notice-read-not-found = Not found in the notice
notice-read-people = People the notice names
notice-read-no-people = The notice names nobody the reader recognised.
notice-read-matched-a-number = { $name } on this case (matched by A-number)
notice-read-matched-name = { $name } on this case (matched by name)
notice-read-unmatched = nobody on this case fits
notice-read-no-event = The kind of notice could not be told, so no event is proposed.
notice-read-by-hand = Record the event by hand
notice-read-record-hint = The event form opens filled with these values. Check them there, then record the event.
notice-read-record = Record this event
notice-read-again = Read another notice
notice-read-prefilled = Filled from a notice you read: check each value against the notice, then record the event.
webhooks-link = Webhooks
webhooks-title = Webhooks
webhooks-intro = A webhook tells another system, by a signed HTTPS request, when something happens here. Each request carries ids only, never names or A-numbers; check its Amparo-Signature header with the endpoint's secret.
webhooks-created = The endpoint's secret is below. Copy it now: it is shown only this once.
webhooks-url = Address
webhooks-events = Events
webhooks-add = Add the endpoint
webhooks-endpoints = Endpoints
webhooks-none = No endpoints yet.
webhooks-made = Added
webhooks-actions = Actions
webhooks-remove = Remove
webhooks-status = Status
webhooks-active = Active
webhooks-paused = Paused
webhooks-pause = Pause
webhooks-resume = Resume
webhooks-history = Deliveries
webhooks-no-deliveries = Nothing delivered yet.
webhooks-event = Event
webhooks-state = State
webhooks-attempts = Attempts
webhooks-queued = Queued
webhooks-next = Next attempt
webhooks-last-answer = Last answer
webhooks-back = Back to the webhooks
webhooks-state-pending = Waiting
webhooks-state-delivered = Delivered
webhooks-state-failed = Failed
webhooks-event-case-created = A case is opened
webhooks-event-event-recorded = An event is recorded
webhooks-event-escalation-opened = An escalation opens
webhooks-event-escalation-closed = An escalation closes
webhooks-event-task-overdue = A task is overdue
webhooks-event-deadline-reminder = A deadline reminder falls due
audit-action-webhook-created = Webhook added
audit-action-webhook-paused = Webhook paused
audit-action-webhook-resumed = Webhook resumed
audit-action-webhook-removed = Webhook removed
tokens-organisation-heading = Organisation tokens
tokens-organisation-intro = An organisation token is for an integration: it acts as a named service account of the organisation, with the role you choose, not as you. The service account is made the first time its name is used and keeps its role.
tokens-service = Service account
tokens-role = Role
tokens-create-organisation = Make an organisation token
tokens-error-role = Role: choose one of the roles offered.
audit-action-service-account-created = Service account made
audit-action-deadlines-read = Deadlines read through the API

## Documents generated from the case (cases::documents)
case-documents-heading = Documents
case-documents-hint = Letters and the filing packet, made from this record.
case-documents-link = Open the documents
documents-title = Documents of { $reference }
documents-english-note = The medical-necessity letter and the cover letter are filed with USCIS, which requires English: they are written in English only. The family letter is written in the family's language.
documents-list = Generated documents
documents-none = No document has been generated for this case yet.
documents-make = Generate a document
documents-medical-hint = A draft for the treating clinician to review and attest.
documents-make-medical = Generate the medical letter draft
documents-attest-link = Review and attest the medical letter
documents-filing = Re-parole request: cover letter and packet
documents-exhibits = Exhibits
documents-exhibits-hint = Tick the files to file as exhibits. Number them to set their order; unnumbered ones follow in the order listed.
documents-no-files = This case has no files yet: add them under Evidence on the case page.
documents-position = Order
documents-make-cover = Generate the cover letter
documents-make-packet = Generate the packet
documents-family-language = Language of the letter
documents-make-family = Generate the family letter
document-family-own-language = The family's own language
document-kind-medical-letter = Medical-necessity letter
document-kind-cover-letter = Cover letter (Form I-131)
document-kind-packet = Re-parole packet
document-kind-family-letter = Family letter
document-language = Written in { $language }
document-language-name-en = English
document-language-name-es = Spanish
document-language-name-ht = Haitian Creole
document-language-name-uk = Ukrainian
document-language-name-ru = Russian
document-language-name-prs = Dari
document-language-name-ps = Pashto
document-language-name-pt = Portuguese
document-language-name-fr = French
document-made = Generated { $when } by { $by }
document-by-operator = the operator (command line)
document-template = Template { $version }
document-first = The first of its kind for this case.
document-unchanged = Nothing changed since the previous one.
document-changed = Changed since the previous one: { $facts }
document-change-added = { $fact } (added)
document-change-changed = { $fact } (changed)
document-change-removed = { $fact } (removed)
document-attested = Attested
document-download-pdf = Download PDF
document-download-docx = Download DOCX
document-generated = Generated: { $kind }.
document-attest-changed = The case changed while you were reviewing. Read the letter again below; it now shows the current record.
attest-title = Medical letter of { $reference }: review and attest
attest-back = Back to the documents
attest-intro = Read the letter as Amparo drafted it from the case's medical facts. If it is true to your knowledge, attest it below: the signed letter is kept with the case's evidence. If a fact is wrong, correct the medical profile first.
attest-draft = The draft letter
attest-heading = Your attestation
attest-name = Your full name
attest-credentials = Credentials
attest-credentials-hint = For example: MD, pediatric nephrology; licence number if you wish.
attest-date = Date of the attestation
attest-statement = Statement
attest-statement-hint = In your words: that you have reviewed the letter and that it is true to your knowledge.
attest-submit = Attest the letter
