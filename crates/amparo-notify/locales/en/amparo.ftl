## Amparo's notices, calendars and family letters, in English.
## Subjects carry the case reference only: never a name, an A-number or a diagnosis.

-product = Amparo

## Deadline kinds, as a sentence fragment.
kind-depart_by = the departure date in the notice of termination
kind-ead_ends = the end of the work permit
kind-fee_due = the fee payment date
kind-address_report_due = the address report date
kind-asylum_one_year = the asylum one-year date
kind-ead_revocation_response_due = the work permit revocation response date
kind-i94_recheck_by = the I-94 check date
kind-reentry_bar_ends = the end of the re-entry bar
kind-registration_at_14_due = the registration at 14 date
kind-medical_attestation_refresh_by = the medical attestation refresh
kind-motion_due = the motion filing deadline
kind-noid_response_due = the response to the notice of intent to deny
kind-parole_ends = the end of humanitarian parole
kind-re_parole_file_by = the date to file re-parole by
kind-re_parole_window_opens = the opening of the re-parole filing window
kind-rfe_response_due = the response to the request for evidence
kind-unlawful_presence_181 = day 181 of unlawful presence
kind-unlawful_presence_365 = day 365 of unlawful presence
kind-other = a deadline

## Escalation triggers.
trigger-termination_notice = a notice of termination was served
trigger-parole_denied = parole was denied
trigger-noid_received = a notice of intent to deny arrived
trigger-parole_expiring = parole is ending with no re-parole filed
trigger-other = a trigger of the protocol

## Subjects.
subject-deadline = [{ $reference }] { $days ->
    [0] Deadline today
    [1] Deadline tomorrow
   *[other] Deadline in { $days } days
}
subject-escalation = [{ $reference }] Escalation opened
subject-escalation-critical = [{ $reference }] Critical-care escalation opened
subject-task-assigned = [{ $reference }] A task is now yours
subject-task-overdue = [{ $reference }] Task overdue
subject-digest = { -product }: your day, { $day }

## Bodies.
body-greeting = Hello,
body-deadline = On case { $reference }, { $kind } falls on { $due } ({ $days ->
    [0] today
    [1] tomorrow
   *[other] in { $days } days
}).
body-escalation = An escalation opened on case { $reference }: { $trigger } ({ $on }).
body-escalation-critical = The case is in critical care: a break in treatment would cause serious harm within days.
body-escalation-tasks = { $count ->
    [0] None of its checklist tasks is yours; the people on the case have theirs.
    [one] One task of its checklist is yours.
   *[other] { $count } tasks of its checklist are yours.
}
body-task-assigned = A task on case { $reference } is now yours: { $title }. Due { $due }.
body-task-overdue = A task on case { $reference } is overdue: { $title }. It was due { $due }.
body-digest-intro = Your cases for the week from { $day }:
body-digest-deadline = { $reference }: { $kind }, { $due }
body-digest-more = …and { $count } more.
body-digest-nothing = No deadlines fall on your cases this week.
body-digest-tasks = Open tasks: { $open }. Overdue: { $overdue }.
body-digest-unassigned = { $count ->
    [one] One open case with nobody assigned has a deadline this week.
   *[other] { $count } open cases with nobody assigned have a deadline this week.
}
body-open-case = Open the case: { $link }
body-open-app = Open { -product }: { $link }
body-footer = Computed dates are aids, not legal advice: check every date with counsel. You receive this because you work on the case in { -product }.

## In-app notifications.
notifications-title = Notifications
notifications-unread = { $count ->
    [0] Nothing unread.
    [one] One unread notification.
   *[other] { $count } unread notifications.
}
notifications-empty = No notifications yet.
notifications-mark-read = Mark read
notifications-mark-all-read = Mark all read
notifications-email-off = Email is not configured on this server: notifications are shown here only. Set the [smtp] section of the configuration to send them by email.
notifications-email-failed = { $count } emails could not be delivered; see the server's log.

## Calendar feeds.
calendar-title = Calendar feeds
calendar-intro = Subscribe to a feed in your calendar program to see deadlines and tasks as all-day events. The address is secret: anyone who has it can read the feed. Revoke it if it leaks.
calendar-mine = My cases
calendar-case = Case { $reference }
calendar-new-mine = New feed of my cases
calendar-new-case = New feed of one case (reference)
calendar-created = Copy this address now; it is not shown again:
calendar-revoke = Revoke
calendar-revoked = revoked
calendar-name = { -product }: deadlines and tasks
calendar-deadline = { $reference }: { $kind }
calendar-deadline-advisory = { $reference }: { $kind } (advisory, passed while parole continues)
calendar-task = { $reference }: { $title }

## Family letter.
letter-in-english = This letter is in English because Amparo has no text yet in your language ({ $language }). Please ask us for help reading it.
letter-unreviewed = This translation has not yet been reviewed by a qualified translator. The English text is printed beside it and is the one that counts.
letter-title = Letter about your case
letter-print = Print
letter-date = Date: { $day }
letter-case = Case reference: { $reference }
letter-dear = Dear { $name } and family,
letter-intro = This letter explains, in plain words, where your immigration case stands today and what the next important dates mean.
letter-covered = Your permission to stay in the United States (humanitarian parole, “parole”) is valid until { $until }.
letter-not-covered = Our records do not show a valid permission to stay (humanitarian parole, “parole”) today. Please talk to us as soon as you can.
letter-next-dates = The next important dates
letter-no-dates = There are no dates to act on in the coming months. We will contact you before anything is due.
letter-when = { $due }: { $kind }.
letter-meaning-depart_by = The government has sent a notice of termination. Do not leave or ignore it: call us right away so we can look at every option.
letter-meaning-ead_ends = Your work permit ends on this day. We may need to ask for a new one before then.
letter-meaning-fee_due = A fee must be paid by this day.
letter-meaning-address_report_due = The new address must be reported to immigration by this day.
letter-meaning-asylum_one_year = The one-year date for asking for asylum; talk with your legal team.
letter-meaning-ead_revocation_response_due = Evidence against revoking the work permit must be sent by this day.
letter-meaning-i94_recheck_by = Your legal team will check the online I-94 record by this day.
letter-meaning-reentry_bar_ends = Until this day, a return to the United States may be barred.
letter-meaning-registration_at_14_due = A child who turned 14 must register and give fingerprints by this day.
letter-meaning-medical_attestation_refresh_by = The doctor's letter about the patient's treatment should be renewed by this day. We will ask the care team.
letter-meaning-motion_due = This is the last day to ask the government to look at its decision again.
letter-meaning-noid_response_due = The government has said it may deny the request. We must answer by this day.
letter-meaning-parole_ends = Your permission to stay ends on this day unless it is renewed.
letter-meaning-re_parole_file_by = We aim to ask for a renewal of your permission to stay by this day.
letter-meaning-re_parole_window_opens = From this day, a renewal of your permission to stay can be requested.
letter-meaning-rfe_response_due = The government has asked for more documents. We must send them by this day.
letter-meaning-unlawful_presence_181 = Time without a valid permission to stay starts to count against you. Please call us.
letter-meaning-unlawful_presence_365 = A full year without a valid permission to stay has serious consequences. Please call us.
letter-meaning-other = Please ask us what this date means for you.
letter-who-to-call = Who to call
letter-role-attorney = Your attorney
letter-role-advocate = Your advocate
letter-role-clinician = Your social worker at the hospital
letter-office = { $organisation }
letter-caseworker = Your caseworker: { $name }
letter-caseworker-email = Email: { $email }
letter-nobody = Call the office of { $organisation }.
letter-disclaimer = These dates are computed from the papers you gave us. Bring any new letter from the government to us right away: it may change them.

# Scheduled backups (to administrators)
subject-backup-failed = Amparo: a scheduled backup failed
body-backup-failed = The scheduled backup of { $day } failed. Read the server's log, check the backup folder and the free space on its disk, then take a backup by hand with amparo backup --out FILE and check it with amparo backup verify FILE.
