## Avisos, calendarios y cartas a las familias de Amparo, en español (trato de usted).
## Los asuntos llevan solo la referencia del caso: nunca un nombre, un número A ni un diagnóstico.

-product = Amparo

## Tipos de plazo.
kind-depart_by = la fecha de salida del aviso de terminación
kind-ead_ends = el vencimiento del permiso de trabajo
kind-fee_due = la fecha de pago de la tarifa
kind-address_report_due = la fecha para notificar el domicilio
kind-asylum_one_year = la fecha de un año para el asilo
kind-ead_revocation_response_due = la fecha para responder a la revocación del permiso de trabajo
kind-i94_recheck_by = la fecha para revisar el I-94
kind-reentry_bar_ends = el fin de la prohibición de reingreso
kind-registration_at_14_due = la fecha de registro a los 14 años
kind-medical_attestation_refresh_by = la renovación de la constancia médica
kind-motion_due = el plazo para presentar la moción
kind-noid_response_due = la respuesta al aviso de intención de denegar
kind-parole_ends = el fin del permiso humanitario (parole)
kind-re_parole_file_by = la fecha para solicitar la renovación del permiso humanitario (parole)
kind-re_parole_window_opens = la apertura del plazo para solicitar la renovación del permiso humanitario (parole)
kind-rfe_response_due = la respuesta a la solicitud de pruebas
kind-unlawful_presence_181 = el día 181 de presencia ilegal
kind-unlawful_presence_365 = el día 365 de presencia ilegal
kind-other = un plazo

## Motivos de escalamiento.
trigger-termination_notice = se notificó un aviso de terminación
trigger-parole_denied = se denegó el permiso humanitario (parole)
trigger-noid_received = llegó un aviso de intención de denegar
trigger-parole_expiring = el permiso humanitario (parole) termina sin renovación presentada
trigger-other = un motivo del protocolo

## Asuntos.
subject-deadline = [{ $reference }] { $days ->
    [0] El plazo vence hoy
    [1] El plazo vence mañana
   *[other] Plazo en { $days } días
}
subject-escalation = [{ $reference }] Escalamiento abierto
subject-escalation-critical = [{ $reference }] Escalamiento de cuidados críticos abierto
subject-task-assigned = [{ $reference }] Se le asignó una tarea
subject-task-overdue = [{ $reference }] Tarea vencida
subject-digest = { -product }: su resumen del día, { $day }

## Cuerpos.
body-greeting = Buenos días:
body-deadline = En el caso { $reference }, { $kind } es el { $due } ({ $days ->
    [0] hoy
    [1] mañana
   *[other] dentro de { $days } días
}).
body-escalation = Se abrió un escalamiento en el caso { $reference }: { $trigger } ({ $on }).
body-escalation-critical = El caso está en cuidados críticos: una interrupción del tratamiento causaría un daño grave en pocos días.
body-escalation-tasks = { $count ->
    [0] Ninguna tarea de la lista es suya; las demás personas del caso tienen las suyas.
    [one] Una tarea de la lista es suya.
   *[other] { $count } tareas de la lista son suyas.
}
body-task-assigned = Se le asignó una tarea del caso { $reference }: { $title }. Vence el { $due }.
body-task-overdue = Una tarea del caso { $reference } está vencida: { $title }. Vencía el { $due }.
body-digest-intro = Sus casos de la semana a partir del { $day }:
body-digest-deadline = { $reference }: { $kind }, { $due }
body-digest-more = …y { $count } más.
body-digest-nothing = Esta semana no vence ningún plazo en sus casos.
body-digest-tasks = Tareas pendientes: { $open }. Vencidas: { $overdue }.
body-digest-unassigned = { $count ->
    [one] Un caso abierto sin nadie asignado tiene un plazo esta semana.
   *[other] { $count } casos abiertos sin nadie asignado tienen un plazo esta semana.
}
body-open-case = Abra el caso: { $link }
body-open-app = Abra { -product }: { $link }
body-footer = Las fechas calculadas son una ayuda, no asesoría legal: verifique cada fecha con su abogado. Recibe este mensaje porque trabaja en el caso en { -product }.

## Avisos en la aplicación.
notifications-title = Avisos
notifications-unread = { $count ->
    [0] No hay avisos sin leer.
    [one] Un aviso sin leer.
   *[other] { $count } avisos sin leer.
}
notifications-empty = Todavía no hay avisos.
notifications-mark-read = Marcar como leído
notifications-mark-all-read = Marcar todos como leídos
notifications-email-off = El correo no está configurado en este servidor: los avisos se muestran solo aquí. Configure la sección [smtp] para enviarlos por correo.
notifications-email-failed = No se pudieron entregar { $count } correos; consulte el registro del servidor.

## Calendarios.
calendar-title = Calendarios
calendar-intro = Suscríbase a un calendario desde su programa de calendario para ver los plazos y las tareas como eventos de todo el día. La dirección es secreta: quien la tenga puede leer el calendario. Revóquela si se filtra.
calendar-mine = Mis casos
calendar-case = Caso { $reference }
calendar-new-mine = Nuevo calendario de mis casos
calendar-new-case = Nuevo calendario de un caso (referencia)
calendar-created = Copie esta dirección ahora; no se volverá a mostrar:
calendar-revoke = Revocar
calendar-revoked = revocado
calendar-name = { -product }: plazos y tareas
calendar-deadline = { $reference }: { $kind }
calendar-deadline-advisory = { $reference }: { $kind } (orientativa, vencida mientras sigue el permiso humanitario)
calendar-task = { $reference }: { $title }

## Carta a la familia.
letter-in-english = Esta carta está en inglés porque Amparo aún no tiene textos en su idioma ({ $language }). Pídanos ayuda para leerla.
letter-unreviewed = Esta traducción aún no ha sido revisada por un traductor calificado. El texto en inglés está impreso al lado y es el que vale.
letter-title = Carta sobre su caso
letter-print = Imprimir
letter-date = Fecha: { $day }
letter-case = Referencia del caso: { $reference }
letter-dear = Estimado/a { $name } y familia:
letter-intro = Esta carta le explica, en palabras sencillas, cómo está hoy su caso de inmigración y qué significan las próximas fechas importantes.
letter-covered = Su permiso para permanecer en los Estados Unidos (permiso humanitario, “parole”) es válido hasta el { $until }.
letter-not-covered = Nuestros registros no muestran hoy un permiso válido para permanecer (permiso humanitario, “parole”). Por favor, hable con nosotros lo antes posible.
letter-next-dates = Las próximas fechas importantes
letter-no-dates = No hay fechas que requieran acción en los próximos meses. Nos comunicaremos con usted antes de que venza algo.
letter-when = { $due }: { $kind }.
letter-meaning-depart_by = El gobierno envió un aviso de terminación. No se vaya ni lo ignore: llámenos enseguida para revisar todas las opciones.
letter-meaning-ead_ends = Su permiso de trabajo vence este día. Quizás debamos pedir uno nuevo antes.
letter-meaning-fee_due = Hay que pagar una tarifa a más tardar este día.
letter-meaning-address_report_due = Hay que notificar la nueva dirección a inmigración a más tardar este día.
letter-meaning-asylum_one_year = La fecha de un año para pedir asilo; hable con su equipo legal.
letter-meaning-ead_revocation_response_due = Hay que enviar pruebas contra la revocación del permiso de trabajo a más tardar este día.
letter-meaning-i94_recheck_by = Su equipo legal revisará el registro I-94 en línea a más tardar este día.
letter-meaning-reentry_bar_ends = Hasta este día, puede estar prohibido volver a los Estados Unidos.
letter-meaning-registration_at_14_due = Un menor que cumplió 14 años debe registrarse y dar sus huellas a más tardar este día.
letter-meaning-medical_attestation_refresh_by = La carta del médico sobre el tratamiento del paciente debe renovarse a más tardar este día. Se la pediremos al equipo médico.
letter-meaning-motion_due = Es el último día para pedir al gobierno que revise su decisión.
letter-meaning-noid_response_due = El gobierno dijo que podría denegar la solicitud. Debemos responder a más tardar este día.
letter-meaning-parole_ends = Su permiso para permanecer termina este día, salvo que se renueve.
letter-meaning-re_parole_file_by = Queremos solicitar la renovación de su permiso para permanecer a más tardar este día.
letter-meaning-re_parole_window_opens = A partir de este día se puede solicitar la renovación de su permiso para permanecer.
letter-meaning-rfe_response_due = El gobierno pidió más documentos. Debemos enviarlos a más tardar este día.
letter-meaning-unlawful_presence_181 = El tiempo sin un permiso válido empieza a contar en su contra. Por favor, llámenos.
letter-meaning-unlawful_presence_365 = Un año completo sin un permiso válido tiene consecuencias graves. Por favor, llámenos.
letter-meaning-other = Pregúntenos qué significa esta fecha para usted.
letter-who-to-call = A quién llamar
letter-role-attorney = Su abogado/a
letter-role-advocate = Su representante
letter-role-clinician = Su trabajador/a social en el hospital
letter-office = { $organisation }
letter-caseworker = La persona encargada de su caso: { $name }
letter-caseworker-email = Correo electrónico: { $email }
letter-nobody = Llame a la oficina de { $organisation }.
letter-disclaimer = Estas fechas se calculan con los documentos que usted nos dio. Tráiganos enseguida cualquier carta nueva del gobierno: puede cambiarlas.

# Scheduled backups (to administrators)
subject-backup-failed = Amparo: falló una copia de seguridad programada
body-backup-failed = Falló la copia de seguridad programada del { $day }. Lea el registro del servidor, revise la carpeta de copias y el espacio libre en su disco, y luego haga una copia a mano con amparo backup --out ARCHIVO y compruébela con amparo backup verify ARCHIVO.
