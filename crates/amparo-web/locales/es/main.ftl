# La interfaz de Amparo en español. Cada mensaje tiene su par en ../en/main.ftl (una prueba lo verifica).
#
# Criterios de traducción: se trata al usuario de «usted»; términos fijos en todo el sistema:
#   parole                → permiso humanitario (parole)
#   re-parole             → renovación del permiso humanitario (re-parole)
#   work permit / EAD     → permiso de trabajo (EAD)
#   termination notice    → aviso de terminación
#   request for evidence  → solicitud de evidencia (RFE)
#   notice of intent to deny → aviso de intención de denegar (NOID)
#   unlawful presence     → presencia ilegal
#   escalation            → escalamiento
#   deadline              → plazo

## En todas las páginas

app-name = Amparo
skip-to-content = Saltar al contenido
footer-disclaimer = Las fechas calculadas son una ayuda, no asesoría legal: verifique cada fecha con su abogado.
nav-label = Principal
nav-dashboard = Inicio
nav-triage = Triaje
nav-tasks = Mis tareas
nav-cases = Casos
nav-calendar = Calendario
nav-intake = Caso nuevo
nav-reviews = Revisiones
nav-settings = Configuración
nav-signed-in-as = { $name } ({ $role })
nav-sign-out = Cerrar sesión
language-switch = English
language-switch-code = en
pager-label = Páginas
pager-previous = Anterior
pager-next = Siguiente
showing = Mostrando { $first }–{ $last } de { $total }.
showing-many = Mostrando { $first }–{ $last } de más de { $total }.
badge-critical = cuidados críticos
answer-yes = sí
answer-no = no
filter-program = Programa
filter-any-program = Cualquier programa
filter-apply = Aplicar

## Inicio de sesión

login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-password-changed = Se cambió su contraseña. Inicie sesión con la nueva.
login-expired = Su sesión expiró. Inicie sesión de nuevo.
login-refused = El correo electrónico o la contraseña no son correctos.
login-throttled = { $minutes ->
    [one] Demasiados intentos fallidos. Vuelva a intentarlo dentro de 1 minuto.
   *[other] Demasiados intentos fallidos. Vuelva a intentarlo dentro de { $minutes } minutos.
}

## Páginas de error

error-title = Error { $status }
error-heading-not-found = No encontrado
error-heading-conflict = Conflicto
error-heading-forbidden = No permitido
error-heading-other = Algo no está bien
error-heading-unavailable = No disponible por el momento
error-back = Volver al inicio
error-csrf = El formulario caducó. Vuelva a cargar la página e inténtelo de nuevo.
error-not-found = No se encontró lo que buscaba.
error-unauthenticated = No ha iniciado sesión.
error-unavailable = No se puede acceder a la base de datos o no puede registrar nada en este momento (incidente { $incident }). No se mostró ni se modificó nada: cada consulta de un caso se registra primero, y ese registro no se pudo escribir. Inténtelo de nuevo en unos minutos; si sigue ocurriendo, avise a una persona que administre el sistema.
error-internal = Algo falló de nuestro lado (incidente { $incident }). No se modificó nada.
error-reset-link = Este enlace para restablecer la contraseña no es válido: ya se usó, caducó o está mal escrito. Pida uno nuevo a una persona que administre su organización.
error-invalid = No se pudo aceptar:
error-conflict = No se pudo guardar:

## Lista de casos

cases-title = Casos
cases-search-submit = Buscar
cases-search-label = Buscar por referencia, nombre, número A o número de recibo
cases-filter-label = Buscar y filtrar los casos
cases-filters = Filtros
cases-order = Orden
cases-sort-by = Ordenar por
cases-direction = Sentido
cases-direction-usual = El habitual de la columna
cases-ascending = Ascendente (de la A a la Z, primero lo más próximo o lo más bajo)
cases-descending = Descendente (de la Z a la A, primero lo más lejano o lo más alto)
cases-clear-filters = Quitar la búsqueda y los filtros
cases-none-match = Ningún caso coincide con esta búsqueda y estos filtros.
cases-none-yet = Todavía no hay casos.
cases-table-caption = Casos, en el orden elegido arriba; cada encabezado de columna ordena por ella
filter-status = Situación
filter-any-status = Cualquier situación
filter-assigned = Asignado a
filter-anyone = Cualquier persona
filter-me = Yo
col-reference = Referencia
col-patient = Paciente
col-programme = Programa
col-people = Personas
col-covered-until = Cubierto hasta

## Página del caso

case-title = Caso { $reference }
case-meta = Programa: { $program } · Versión { $version }
case-escalations = Escalamientos y tareas
case-no-escalations = No hay escalamientos ni tareas.
escalation-open-label = Escalamiento abierto
escalation-open-heading = Abierto
escalation-closed-label = Escalamiento cerrado
escalation-closed-heading = Cerrado
escalation-opened = Abierto el { $when }
escalation-closed-because = cerrado el { $when }: { $why }
escalation-resolved-by-timeline = resuelto por la cronología
escalation-checklist-done = todas las tareas de la lista están hechas
escalation-closed-at = cerrado el { $when }
case-other-tasks = Otras tareas
case-assigned = Personas asignadas
assign-current = { $role }: { $name }
assign-nobody = Nadie
assign-nobody-current = nadie
assign-save = Guardar { $role }
case-status = Situación y plazos
case-computed = Calculado al { $today } según las reglas indicadas. Estas fechas son una ayuda, no asesoría legal: verifique cada una con los avisos recibidos y con su abogado.
case-covered-until = Cubierto hasta:
coverage-heading = Cobertura de salud
coverage-hint = Datos de cobertura federal de cada persona, según las reglas los derivan de la cronología; compruébelos con un asesor de beneficios antes de confiar en ellos.
coverage-qualified-alien = Extranjero calificado
coverage-entrant = Entrante cubano/haitiano
coverage-medicaid = Medicaid y CHIP federales
coverage-why = Motivo
coverage-source = Fuente
coverage-not-assessed = no evaluado (otro estatus decide)
coverage-medicaid-eligible = elegible
coverage-medicaid-children-option = solo donde el estado cubre a niños y embarazadas con residencia legal
coverage-medicaid-not-eligible = no elegible
coverage-medicaid-not-assessed = no evaluado
col-person = Persona
col-status = Situación
col-parole-ends = Fin del permiso humanitario (parole)
case-no-deadlines = No se calculó ningún plazo.
deadline-overdue = vencido
deadline-past = vencido
deadline-advisory = orientativo: se muestra por su motivo, nunca como vencido
deadline-whole-case = todo el caso
deadline-source = { $citation } · fundamento: { $basis } · regla { $rule }
case-family = Familia
col-name = Nombre
col-role = Función en el caso
col-born = Fecha de nacimiento
col-a-number = Número A (A-number)
col-citizenship = Nacionalidad
col-language = Idioma
language-without-texts = { $code } (sin textos de Amparo: se muestra en inglés)
case-language-fallback = Amparo no tiene textos en { $codes }, un idioma preferido en este caso: la carta a la familia y el resto del material para la familia se muestran en inglés, salvo que alguien del caso lea español.
case-medical = Perfil médico
medical-patient = Paciente
medical-condition = Diagnóstico
medical-regimen = Tratamiento
medical-hours = Horas por día
medical-facility = Centro de tratamiento
medical-available = Atención disponible en el país de origen
medical-days-to-harm = Días hasta un daño crítico si se interrumpe la atención
medical-attested = Última certificación médica
medical-none = No hay datos médicos registrados.
case-timeline = Cronología
timeline-empty = Aún no hay nada registrado.
timeline-corrected-by = corregido por
timeline-unlinked = no indica el aviso
timeline-unlinked-note = Algunas respuestas de esta cronología no indican el aviso al que responden: cada una se tomó como respuesta solo al último aviso abierto de su tipo. Para indicar a qué aviso responde, regístrela de nuevo, elija el aviso al que responde y la entrada que corrige.
timeline-recorded-by = registrado por { $name }, { $when }
timeline-imported = importado, { $when }
timeline-former-member = un antiguo miembro
timeline-everyone = todas las personas
detail-valid-until = válido hasta el { $date }
detail-served-by = notificado por { $how }
detail-effective = con efecto el { $date }
detail-depart-by = salir a más tardar el { $date }
detail-departure-moot = la fecha de salida del { $date } ya no se aplica
detail-respond-by = responder a más tardar el { $date }
detail-pay-by = pagar a más tardar el { $date }
detail-receipt = recibo { $receipt }
detail-days-to-harm = { $days ->
    [one] 1 día hasta un daño crítico
   *[other] { $days } días hasta un daño crítico
}

## Idiomas de las personas

language-en = inglés
language-es = español

## Programas

program-humanitarian = Permiso humanitario (parole) (I-131)
program-u4u = Unidos por Ucrania (Uniting for Ukraine)
program-oaw = Operación Bienvenida a Aliados (Operation Allies Welcome)
program-chnv = CHNV
program-cbp_one = CBP One
program-frp = Parole de reunificación familiar
program-other = Otro

## Funciones del personal

role-admin = Administración
role-attorney = Abogado(a)
role-advocate = Defensor(a)
role-clinician = Personal clínico
role-viewer = Solo lectura

## Función de cada persona en el caso

person-role-patient = Paciente
person-role-parent = Madre o padre
person-role-guardian = Tutor(a) legal
person-role-sibling = Hermano(a)
person-role-other = Otro familiar

## Situaciones

status-paroled = Con permiso humanitario (parole)
status-requested = Permiso humanitario (parole) solicitado
status-terminated = Permiso humanitario (parole) terminado
status-expired = Permiso humanitario (parole) vencido
status-departed = Salió del país
status-none = Sin estatus
status-other_status = Otro estatus migratorio

## Fundamento de un plazo

basis-law = ley
basis-practice = práctica profesional
basis-policy = política de la organización

## Cómo se notificó un aviso

served-mail = correo postal
served-email = correo electrónico
served-personal = en persona
served-online = en línea

## Tipos de evento

event-parole_requested = Permiso humanitario (parole) solicitado
event-parole_granted = Permiso humanitario (parole) concedido
event-parole_denied = Permiso humanitario (parole) denegado
event-termination_notice = Aviso de terminación
event-re_parole_filed = Renovación del permiso humanitario (re-parole) presentada
event-rfe_received = Solicitud de evidencia (RFE) recibida
event-rfe_answered = Solicitud de evidencia (RFE) respondida
event-noid_received = Aviso de intención de denegar (NOID) recibido
event-noid_answered = Aviso de intención de denegar (NOID) respondido
event-motion_filed = Moción presentada
event-ead_filed = Permiso de trabajo (EAD) solicitado
event-ead_approved = Permiso de trabajo (EAD) aprobado
event-fee_notice = Aviso de pago
event-fee_paid = Pago realizado
event-i94_updated = Cambió la fecha del I-94
event-i94_checked = I-94 revisado
event-ead_revocation_notice = Aviso de intención de revocar el permiso de trabajo
event-ead_revocation_answered = Respuesta al aviso de revocación del permiso de trabajo
event-ead_revoked = Permiso de trabajo revocado
event-status_granted = Otro estatus concedido
event-nta_served = Notificación de comparecencia (NTA) recibida
event-address_changed = Cambio de domicilio
event-address_reported = Domicilio notificado
event-registered_at_14 = Registro a los 14 años
event-arrived = Llegada a los Estados Unidos
event-asylum_filed = Solicitud de asilo presentada
event-departed = Salida de los Estados Unidos
event-medical_attested = Certificación médica

## Tipos de plazo

deadline-parole_ends = Fin del permiso humanitario (parole)
deadline-re_parole_file_by = Presentar la renovación (re-parole) a más tardar
deadline-re_parole_window_opens = Se abre el periodo para pedir la renovación (re-parole)
deadline-ead_ends = Vence el permiso de trabajo
deadline-depart_by = Salir del país a más tardar
deadline-rfe_response_due = Vence la respuesta a la solicitud de evidencia (RFE)
deadline-noid_response_due = Vence la respuesta al aviso de intención de denegar (NOID)
deadline-motion_due = Vence el plazo para presentar una moción
deadline-fee_due = Vence el pago
deadline-address_report_due = Plazo para notificar el domicilio
deadline-asylum_one_year = Fecha de un año para el asilo
deadline-ead_revocation_response_due = Plazo para responder a la revocación del permiso de trabajo
deadline-i94_recheck_by = Revisar el I-94 a más tardar
deadline-reentry_bar_ends = Fin de la prohibición de reingreso
deadline-registration_at_14_due = Plazo de registro a los 14 años
deadline-medical_attestation_refresh_by = Renovar la certificación médica a más tardar
deadline-unlawful_presence_181 = Día 181 de presencia ilegal (impedimento de 3 años)
deadline-unlawful_presence_365 = Un año de presencia ilegal (impedimento de 10 años)

## Tablero de triaje

triage-title = Triaje
triage-intro = Casos abiertos, los más urgentes primero. Cada fila explica por qué ocupa su lugar.
triage-filter-label = Filtrar el tablero
triage-show = Mostrar
triage-critical-only = Solo cuidados críticos
triage-mine = Asignados a mí
triage-due-within = Próximo plazo dentro de (días)
triage-none = Ningún caso abierto coincide.
col-score = Puntuación
col-next-deadline = Próximo plazo
col-why = Motivo
triage-open-escalations = { $count ->
    [one] 1 escalamiento abierto
   *[other] { $count } escalamientos abiertos
}
triage-nothing-pressing = nada urgente

## Tareas

tasks-title = Mis tareas
tasks-none = No tiene tareas pendientes.
tasks-summary = { $count ->
    [one] 1 tarea abierta.
   *[other] { $count } tareas abiertas.
}
tasks-overdue = { $count ->
    [one] 1 vencida.
   *[other] { $count } vencidas.
}
tasks-order = Primero las que vencen antes.
notice-task-completed = Tarea marcada como hecha.
notice-task-reassigned = Tarea reasignada.
task-overdue = vencida
task-owner-due = Responsable: { $owner } · vence el { $due }
task-owner = { $name } ({ $role })
task-owner-none = { $role }: sin asignar
task-someone-gone = alguien que ya no está en la organización
task-done-by = Hecha el { $when } por { $name }.
task-done = Hecha el { $when }.
task-not-needed = No se hizo; dejó de ser necesaria al cerrarse el escalamiento.
task-note = Nota: { $note }
task-note-label = Nota (opcional)
task-mark-done = Marcar como hecha
task-give-to = Asignar a
task-choose-someone = Elija a una persona
task-reassign = Reasignar

## Revisiones por programa

reviews-title = Revisión por programa
reviews-intro = Cuando un programa cambia, seleccione los casos afectados, revise la lista y abra una tarea de revisión en cada uno. Abrir de nuevo la misma revisión no agrega nada a los casos que ya la tienen.
reviews-select = 1. Seleccionar casos
reviews-legend = Casos que cumplen todas las condiciones indicadas
reviews-class = Clase de admisión
reviews-citizenship = Nacionalidad (código de país de dos letras)
reviews-parole-ends-before = El permiso humanitario (parole) termina antes del
reviews-preview = Vista previa
reviews-check = { $count ->
    [one] 2. Revise el caso seleccionado
   *[other] 2. Revise los { $count } casos seleccionados
}
reviews-no-match = Ningún caso coincide.
reviews-open = 3. Abrir la revisión
reviews-key = Nombre de la revisión (abrirla de nuevo con el mismo nombre no agrega nada)
reviews-title-en = Título de la tarea en inglés
reviews-title-es = Título de la tarea en español
reviews-due-in = Plazo (horas)
reviews-submit = Abrir tareas de revisión
reviews-outcome = { $created ->
    [one] Se abrió 1 tarea de revisión
   *[other] Se abrieron { $created } tareas de revisión
} en { $selected ->
    [one] 1 caso seleccionado
   *[other] { $selected } casos seleccionados
}; { $existing ->
    [one] 1 caso ya la tenía.
   *[other] { $existing } casos ya la tenían.
}

## Alta de casos

intake-title = Caso nuevo
intake-intro = Todo el caso en un solo formulario. No se guarda nada hasta que el caso completo sea válido; si algo falla, el formulario vuelve con lo que usted escribió e indica qué corregir.
intake-case = Caso
intake-reference = Referencia del caso
intake-required = (obligatorio)
intake-patient = Paciente
intake-member = Familiar { $number }
intake-given-name = Nombre
intake-family-name = Apellidos
intake-citizenship = Nacionalidad (código de país de dos letras)
intake-not-known = Se desconoce
intake-language-code = Idioma preferido: un código como en, es, ht, prs o es-MX; vacío si se desconoce
intake-representative = Representante
intake-representative-hint = El abogado o la abogada que representa a la familia. Puede asignarlo más tarde en la página del caso.
intake-not-yet = Todavía no
intake-medical-hint = Los datos médicos del paciente, tal como los certifica el personal clínico tratante.
intake-attested-on = Fecha de certificación
intake-event = Evento { $number }
intake-event-hint = Lo ocurrido hasta ahora: la concesión del permiso humanitario (parole), un aviso recibido, una solicitud presentada. Deje una fila vacía para omitirla.
intake-event-type = Qué ocurrió
intake-choose = Elija
intake-event-on = Fecha
intake-valid-until = Válido hasta
intake-served-by = Notificado por
intake-not-applicable = No corresponde
intake-effective = Con efecto el
intake-depart-by = Salir a más tardar el
intake-respond-by = Responder a más tardar el
intake-receipt = Número de recibo
intake-add-person = Agregar un familiar
intake-add-event = Agregar un evento
intake-save = Crear el caso
intake-error-summary = { $count ->
    [one] Hay 1 problema en el caso
   *[other] Hay { $count } problemas en el caso
}
intake-error-required = Este dato es obligatorio.
intake-error-whole-number = Escriba un número entero.
intake-error-representative = Elija a uno de los abogados de la organización.
intake-error-reference-taken = Ya existe otro caso con esta referencia.
intake-error-unknown = No se pudo verificar el caso.
intake-duplicate-title = Puede que este caso ya esté en Amparo
intake-duplicate-intro = No se ha guardado nada. Abra el caso existente para comprobarlo, cambie el formulario o guarde el caso nuevo de todos modos.
intake-duplicate-a-number = { $person } tiene el mismo número A que una persona de este caso.
intake-duplicate-name-birth-date = { $person } tiene el mismo nombre y la misma fecha de nacimiento que una persona de este caso.
intake-duplicate-save-anyway = Guardar de todos modos como caso nuevo
intake-duplicate-go-back = Cambiar el formulario
intake-reference-next = La siguiente referencia según el patrón de su organización es { $reference }.
intake-reference-format = Las referencias suelen seguir el patrón PREFIJO-AÑO-NÚMERO, por ejemplo { $example }.

## Registro de un evento en la página del caso

event-form-title = Registrar un evento
event-form-hint = Qué ocurrió, en qué fecha y las fechas que figuran en el aviso. El evento se aplica a todas las personas del caso. Para corregir una entrada anterior, regístrela de nuevo y elija la entrada que corrige.
event-form-pay-by = Pagar a más tardar el
event-form-amount = Importe (dólares estadounidenses, p. ej. 630.00)
event-form-note = Nota
event-form-supersedes = Corrige una entrada anterior
event-form-supersedes-none = No
event-form-answers = Responde a qué aviso abierto (solo respuestas)
event-form-answers-latest = El último aviso abierto de su tipo
event-form-submit = Registrar el evento
event-form-conflict = Otra persona modificó este caso después de que usted lo abrió, por eso su entrada no se guardó. La página muestra ahora el caso actualizado; su entrada sigue en el formulario. Compárela con la cronología y vuelva a registrarla.

## Inicio

dashboard-title = Inicio
dashboard-urgent = Lo más urgente
dashboard-whole-board = { $count ->
    [one] Todo el tablero (1 caso abierto)
   *[other] Todo el tablero ({ $count } casos abiertos)
}
dashboard-whole-board-many = Todo el tablero (más de { $count } casos abiertos)
dashboard-overdue = Vencidos
dashboard-no-overdue = No hay plazos vencidos.
dashboard-days-late = { $days ->
    [one] 1 día de retraso
   *[other] { $days } días de retraso
}
dashboard-deadlines = Plazos de los próximos 14 días
dashboard-no-deadlines = No vence nada en los próximos 14 días.
dashboard-in-days = { $days ->
    [0] hoy
    [one] mañana
   *[other] dentro de { $days } días
}
dashboard-more-many = y más de { $count } plazos más.
dashboard-more = { $count ->
    [one] y 1 más.
   *[other] y { $count } más.
}
dashboard-all-tasks = { $count ->
    [one] Todas mis tareas (1)
   *[other] Todas mis tareas ({ $count })
}
dashboard-escalations = Escalamientos abiertos
dashboard-no-escalations = No hay escalamientos abiertos.

## Calendario

calendar-feeds-link = Suscribirse desde su aplicación de calendario
feeds-subscribe = Abrir en su aplicación de calendario (webcal)
calendar-title = Calendario
calendar-months = Meses
calendar-this-month = Este mes
calendar-bad-month = El mes debe escribirse como AAAA-MM, por ejemplo 2026-11. Se muestra el mes actual.
calendar-total = { $count ->
    [0] Ningún plazo vence este mes.
    [one] 1 plazo este mes.
   *[other] { $count } plazos este mes.
}
calendar-caption = Plazos de { $month }, por semana
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo

## Configuración

settings-title = Configuración
settings-disk-low = El disco de la base de datos está casi lleno ({ $free } MiB libres). Cuando se llene, las páginas de casos y los inicios de sesión se detendrán, porque no se podrán registrar en la auditoría. Pida al operador que libere espacio.
settings-disk-reserve-spent = El disco de la base de datos se llenó y se está usando el espacio reservado para la auditoría ({ $free } MiB libres). Las páginas de casos y los inicios de sesión se detendrán pronto. Pida al operador que libere espacio ya.
settings-saved = { $count ->
    [one] Política guardada; se recalculó 1 caso.
   *[other] Política guardada; se recalcularon { $count } casos.
}
settings-error-summary = La política no se guardó:
settings-error-days = Escriba un número entero de días entre { $min } y { $max }.
settings-error-closure = «{ $line }» no es una fecha; escriba una fecha por línea como AAAA-MM-DD.
settings-policy = Política de la organización
settings-policy-hint = Al guardar se recalculan de inmediato los plazos de todos los casos.
settings-lead-days = Renovación (re-parole): presentarla esta cantidad de días antes del fin del permiso humanitario (parole)
settings-refresh-days = Renovar la certificación médica después de esta cantidad de días
settings-threshold-days = Cuidados críticos: días hasta un daño crítico como máximo
settings-i94-check-days = Revisar de nuevo el I-94 en línea: días tras la última concesión o revisión
settings-closure-days = Días de cierre de la oficina
settings-closure-hint = Una fecha por línea (AAAA-MM-DD). Las metas internas se adelantan para evitarlos; los plazos legales no cambian.
settings-save = Guardar la política
settings-staff = Personal y funciones
settings-staff-hint = Las personas se agregan desde la línea de comandos (amparo user add). Al cambiar una función se cierran las sesiones de esa persona: deberá iniciar sesión de nuevo con la nueva función (si pasa a administrar, antes configurará un segundo factor).
settings-role = Función
settings-checklists = Listas de tareas de escalamiento
settings-checklists-hint = Las tareas con que empieza cada tipo de escalamiento. Un cambio se aplica a los escalamientos que se abran a partir de entonces. Para quitar una tarea, borre sus títulos y horas; la tarea vacía del final agrega una.
settings-checklists-own = Las listas propias de esta organización ({ $id }).
settings-checklists-server = Las listas del servidor ({ $id }); al guardar una, pasan a ser propias de esta organización.
settings-checklists-reset = Volver a usar las listas del servidor
settings-checklist-save = Guardar la lista: { $trigger }
settings-checklist-saved = Se guardó la lista. Los escalamientos que se abran a partir de ahora la seguirán.
settings-checklist-error-summary = La lista no se guardó:
settings-checklist-count = { $count ->
    [one] 1 tarea
   *[other] { $count } tareas
}
settings-task-number = Tarea { $number }
settings-task-title-en = Título en inglés
settings-task-title-es = Título en español
settings-task-owner-label = Quién la hace
settings-task-hours = Plazo (horas)
settings-task-hours-critical = Plazo en un caso de cuidados críticos (horas)
trigger-termination_notice = Aviso de terminación en un caso de cuidados críticos
trigger-parole_denied = Permiso humanitario (parole) denegado en un caso de cuidados críticos
trigger-noid_received = Aviso de intención de denegar (NOID) recibido
trigger-parole_expiring = Caso de cuidados críticos cerca del fin del permiso humanitario (parole), sin renovación presentada
error-forbidden = Su función no le permite hacer esto; consulte a una persona que administre su organización.

## Añadidos a la página del caso

case-print = Versión para imprimir
case-overdue = Vencidos:
case-standing = Situación de cada persona
case-next-deadline = Próximo plazo:
timeline-superseded = corregido, ya no cuenta
print-printed = impreso el { $when }
print-back = Volver al caso
case-letter-en = Carta a la familia (inglés)
case-letter-es = Carta a la familia (español)
nav-unread = ({ $count } sin leer)
nav-notifications = Avisos
reset-title = Elija una contraseña nueva
reset-intro = Para { $email }. Al menos { $min } caracteres; unas cuantas palabras sin relación entre sí forman una buena contraseña.
reset-password = Contraseña nueva
reset-confirm = La misma contraseña otra vez
reset-submit = Guardar la contraseña
reset-differ = Las dos contraseñas no coinciden; escriba la misma dos veces.

## Por qué se rechazó una contraseña (amparo_trust::password_policy::PasswordError)
password-too-short = Use al menos { $min } caracteres (esta tiene { $actual }). Unas cuantas palabras sin relación entre sí forman una buena frase de contraseña.
password-too-long = Use como máximo { $max } caracteres.
password-blocklisted = Esta contraseña es demasiado común: está en las listas que los atacantes prueban primero. Elija otra.
password-context-word = Esta contraseña se basa en «{ $word }», fácil de adivinar a partir de su cuenta o de este servicio. Elija otra.
password-repetitive = Esta contraseña es un patrón repetido o secuencial. Elija algo menos predecible.

## Segundo factor (TOTP)
nav-security = Seguridad
error-second-factor-required = Primero configure un segundo factor: inicie sesión en la aplicación web y siga los pasos.
second-factor-title = Escriba su código
second-factor-intro = Abra la aplicación de autenticación de su teléfono y escriba el código de seis dígitos que muestra para Amparo.
second-factor-code = Código de seis dígitos
second-factor-submit = Continuar
second-factor-start-again = Volver a empezar con su contraseña
second-factor-wrong-code = Ese código no es correcto. Verifique que la hora de su teléfono sea la correcta y escriba el código que su aplicación muestra ahora.
second-factor-code-used = Ese código ya se usó. Espere el siguiente código de su aplicación y escríbalo.
second-factor-enrolled = Su segundo factor quedó configurado. A partir de ahora, para iniciar sesión se le pedirá un código de su aplicación.
second-factor-removed = Se quitó su segundo factor.
security-title = Seguridad del inicio de sesión
security-must-enrol = Antes de continuar, configure un segundo factor: su organización lo exige para su cuenta.
security-factor-heading = Segundo factor (aplicación de autenticación)
security-factor-on = El segundo factor está activado: para iniciar sesión se le pide un código de su aplicación de autenticación.
security-factor-off = Aún no tiene un segundo factor. Con él, una contraseña robada no basta para abrir su cuenta, y una contraseña de 8 caracteres es suficiente.
security-factor-required = Su cuenta requiere un segundo factor.
security-step-app = Instale en su teléfono una aplicación de autenticación (cualquiera que genere códigos «TOTP»).
security-step-scan = En la aplicación, agregue una cuenta escaneando este código.
security-qr-label = Código QR para agregar Amparo a su aplicación de autenticación
security-secret-caption = Si no puede escanearlo, escriba esta clave:
security-step-confirm = Escriba el código de seis dígitos que la aplicación muestra ahora
security-confirm = Activar el segundo factor
security-remove-help = Para desactivar el segundo factor, escriba un código actual de su aplicación.
security-remove-required = Su cuenta requiere un segundo factor: si quita este (por ejemplo, por un teléfono nuevo), configurará otro antes de continuar. Escriba un código actual de su aplicación.
security-remove = Quitar el segundo factor
settings-second-factor-heading = Segundo factor
settings-second-factor-help = Quienes administran siempre necesitan un segundo factor. Marque la casilla para exigirlo a todas las personas de la organización; quien no lo tenga lo configurará en su próxima página.
settings-second-factor-everyone = Exigir un segundo factor a todas las personas
settings-second-factor-save = Guardar

## Compartir un caso con personal clínico (página del caso)

share-heading = Compartido con personal clínico
share-hint = El personal clínico solo ve los casos que se comparten con él: la familia, los datos médicos y los plazos, nunca el historial legal.
share-none = Este caso no está compartido con nadie del personal clínico.
share-with = Compartir con una persona del personal clínico
share-choose = Elija a una persona del personal clínico
share-submit = Compartir el caso
share-remove = Dejar de compartir
share-remove-label = Dejar de compartir con { $name }
share-no-clinicians = No hay otra persona del personal clínico en su organización con quien compartir este caso.
share-notice-shared = El caso ya está compartido con esa persona del personal clínico.
share-notice-unshared = El caso dejó de estar compartido con esa persona del personal clínico.
share-error-choose = Elija a la persona del personal clínico con quien desea compartir el caso.
share-error-unknown-user = Esa persona no pertenece a su organización.
share-error-not-clinician = Los casos solo se comparten con personal clínico; esta persona ve los casos según su función.
share-error-already = El caso ya está compartido con esta persona del personal clínico.
share-error-not-shared = El caso no estaba compartido con esta persona del personal clínico.

## Roles (configuración)

settings-role-for = Función de { $name }
settings-role-save = Guardar
settings-role-save-whose = la función de { $name }
settings-role-you = (usted)
settings-role-changed = Nueva función de { $name }: { $role }. Sus sesiones se cerraron; deberá iniciar sesión de nuevo con la nueva función.
settings-role-error-summary = La función no se cambió:
settings-role-error-unknown = Elija una de las funciones de la lista.
settings-role-error-last-admin = { $name } es la última persona que administra la organización. Antes, asigne la función de administración a otra persona.

## Registro de auditoría

nav-audit = Registro de auditoría
audit-title = Registro de auditoría
audit-intro = Quién hizo qué y cuándo: consultas y cambios de casos, cartas, tareas y calendarios suscritos, importaciones y exportaciones, casos compartidos, roles, política, inicios de sesión y su seguridad. Las entradas guardan identificadores internos y ajustes, nunca nombres, números de identificación ni datos médicos.
audit-caption = Entradas de auditoría, de la más reciente a la más antigua
audit-export = Descargar el registro completo (JSON)
audit-filters = Filtros
audit-filter-action = Acción
audit-filter-action-any = Cualquier acción
audit-filter-actor = Realizada por
audit-filter-actor-any = Cualquier persona
audit-filter-from = Desde
audit-filter-to = Hasta
audit-filter-case = Referencia del caso
audit-dates-hint = Días en formato AAAA-MM-DD, ambos incluidos, en la zona horaria de la organización.
audit-filter-submit = Mostrar entradas
audit-filter-clear = Quitar los filtros
audit-col-when = Cuándo
audit-col-who = Quién
audit-col-what = Qué
audit-col-target = Sobre qué
audit-col-detail = Detalles
audit-system = El sistema (línea de comandos o tareas automáticas)
audit-target-case = Caso
audit-none = Ninguna entrada coincide con estos filtros.
audit-error-summary = Los filtros no se aplicaron:
audit-error-action = Elija una acción de la lista.
audit-error-actor = Elija a una persona de su organización de la lista.
audit-error-case = Ningún caso de su organización tiene esta referencia.
audit-error-date = Escriba el día como AAAA-MM-DD, por ejemplo 2026-11-23.
audit-error-range = El último día es anterior al primero.
audit-chain-ok-whole = La cadena está intacta: se comprobaron las { $count } entradas, cada una con la anterior.
audit-chain-ok-recent = La cadena está intacta hasta donde esta página la comprueba: las { $count } entradas más recientes, cada una con la anterior. El comando `amparo audit verify` comprueba todas las entradas.
audit-chain-broken = La cadena está rota ({ $detail }): el registro se modificó fuera de Amparo. Avise de inmediato a quien administra el servidor.
audit-action-case-read = Consulta del caso
audit-action-case-duplicate-shown = Caso mostrado como posible duplicado al abrir un caso
audit-action-case-shared = Caso compartido con personal clínico
audit-action-case-unshared = Caso que dejó de compartirse con personal clínico
audit-action-user-role-changed = Cambio de función
audit-action-policy-changed = Cambio de política
audit-action-escalation-templates-changed = Cambio de las listas de escalamiento
audit-action-organisation-second-factor-requirement = Cambio en la exigencia del segundo factor
audit-action-second-factor-enrolled = Segundo factor configurado
audit-action-second-factor-removed = Segundo factor quitado
audit-action-second-factor-reset = Segundo factor restablecido por la administración
audit-action-password-reset-issued = Enlace para restablecer la contraseña emitido
audit-action-password-reset = Contraseña restablecida
audit-action-sessions-ended = Cierre de sesión en todas partes
audit-action-sign-in-succeeded = Inicio de sesión
audit-action-sign-in-failed = Inicio de sesión rechazado (contraseña incorrecta)
audit-action-letter-read = Consulta de la carta a la familia
audit-action-event-recorded = Evento registrado
audit-action-case-assigned = Personal asignado a un caso
audit-action-cases-imported = Casos importados o registrados
audit-action-case-exported = Caso exportado (línea de comandos)
audit-action-case-list-exported = Lista de casos descargada (CSV)
audit-action-deadlines-exported = Plazos descargados (CSV)
audit-action-tasks-exported = Tareas descargadas (CSV)
audit-action-task-completed = Tarea completada
audit-action-task-reassigned = Tarea reasignada
audit-action-feed-created = Calendario suscrito creado
audit-action-feed-read = Calendario suscrito consultado

## Qué está mal en un dato (formularios, páginas de error)

problem-required = Este dato es obligatorio.
problem-missing = Este dato es obligatorio (falta { $field }).
problem-required-for = Es obligatorio en un evento de este tipo ({ $type }).
problem-not-a-field-of = Un evento de este tipo ({ $type }) no lleva este dato.
problem-unknown-event-type = «{ $value }» no es un tipo de evento que Amparo conozca.
problem-too-long = Como máximo { $max } caracteres.
problem-too-many-people = Un caso puede tener como máximo { $max } personas.
problem-too-many-events = Un caso puede tener como máximo { $max } eventos.
problem-control-character = Contiene un carácter de control; escríbalo de nuevo en lugar de pegarlo.
problem-not-a-key = «{ $value }» no es una clave: use de 1 a 32 letras, cifras, «-» o «_».
problem-duplicate-person-key = Otra persona de este caso tiene la clave «{ $key }».
problem-no-people = Un caso necesita al menos a su paciente.
problem-no-patient = Una persona, y solo una, debe figurar como paciente; no figura nadie.
problem-second-patient = Solo una persona puede figurar como paciente; esta es la segunda.
problem-no-such-person = Nadie en este caso tiene la clave «{ $key }».
problem-empty-persons = Déjelo en blanco para referirse a todas las personas del caso; una lista vacía no se refiere a nadie.
problem-person-listed-twice = «{ $key }» figura dos veces.
problem-duplicate-event-id = Otro evento de este caso tiene el identificador «{ $id }».
problem-no-such-earlier-event = Ningún evento anterior de este caso tiene el identificador «{ $id }».
problem-before-event-date = El { $date } es anterior a la fecha del evento ({ $on }).
problem-after-today = El { $date } es posterior a hoy ({ $today }).
problem-between = Debe estar entre { $min } y { $max }.
problem-at-most = Debe ser como máximo { $max }.
problem-not-negative = Debe ser cero o más.
problem-not-a-whole-number = Escriba un número entero.
problem-whole-number-between = Escriba un número entero entre { $min } y { $max }.
problem-unknown-parameter = Amparo no conoce este parámetro; revise cómo está escrito.
problem-exclusive = Indique esto o { $other }, no ambos.
problem-no-such-staff = Esa persona no forma parte del personal de esta organización.
problem-viewer-owns-no-tasks = Quien tiene el rol «Solo lectura» solo consulta los casos y no puede recibir tareas.
problem-case-not-shared-with-owner = Este caso no está compartido con esa persona clínica. Compártalo con ella, o asígnesela, primero.
problem-length-between = Escriba de { $min } a { $max } caracteres.
problem-no-condition = Indique al menos una condición; si no, se seleccionarían todos los casos.
problem-no-such-case = Ningún caso de esta organización tiene la referencia «{ $reference }».
problem-not-true-false = Se esperaba «true» (sí) o «false» (no).
problem-not-a-date = «{ $value }» no es una fecha; escríbala como AAAA-MM-DD, por ejemplo 2026-11-23.
problem-not-an-a-number = «{ $value }» no es un número A (A-Number): la letra A seguida de 7 a 9 cifras.
problem-not-a-receipt-number = «{ $value }» no es un número de recibo: 3 letras seguidas de 10 cifras, como en el aviso de recibo.
problem-not-an-i94-number = «{ $value }» no es un número de I-94: 11 cifras, o 9 cifras, una letra y una cifra.
problem-not-a-country-code = «{ $value }» no es un código de país: dos letras mayúsculas (ISO 3166-1), por ejemplo MX.
problem-not-a-case-reference = «{ $value }» no es una referencia de caso: de 1 a 64 letras, cifras, «-», «_», «.» o «/».
problem-wrong-format = Se esperaba el formato { $expected }; se encontró { $found }.
problem-unknown-field = «{ $field }» no es un dato que Amparo acepte aquí.
problem-duplicate-field = «{ $field }» aparece dos veces.
problem-unknown-value = «{ $value }» no es una de las opciones: { $expected }.
problem-wrong-type = Se esperaba { $expected }.
problem-unreadable = No se pudo leer este valor ({ $detail }).
problem-not-an-amount = «{ $value }» no es un importe: dólares de 0 a 1.000.000 con 2 decimales como máximo, por ejemplo 1000.00.
problem-date-out-of-range = El { $date } está fuera de las fechas aceptadas (del 1 de enero de 1900 al 31 de diciembre de 2199).
problem-already-superseded = El evento «{ $id }» ya está corregido por otro evento; corrija esa corrección.
problem-not-answerable = El evento «{ $id }» no es un { $type }, el aviso que esto responde.
problem-answer-before-notice = El evento «{ $id }» tiene fecha del { $on }, posterior a esta respuesta.
problem-not-a-language-code = «{ $value }» no es un código de idioma: ISO 639, 2 o 3 letras minúsculas, con una región opcional (es, prs, es-MX, es-419).
expected-text = texto
expected-whole-number = un número entero
expected-number = un número
expected-true-false = verdadero o falso
expected-list = una lista
expected-object = un objeto

## CSV downloads
export-download = Descargar CSV
export-download-cases = Descargar estos casos en CSV
export-download-deadlines = Descargar estos plazos en CSV
export-download-tasks = Descargar mis tareas en CSV
export-col-next-deadline-kind = Tipo del próximo plazo
export-col-critical-care = Cuidados críticos
export-col-due = Vence
export-col-deadline = Plazo
export-col-overdue = Vencido
export-col-advisory = Solo orientativo
export-col-task = Tarea
export-col-note = Nota

## Cerrar y reabrir un caso
closure-closed-heading = Este caso está cerrado
closure-banner-by = Cerrado el { $when } por { $name }. Motivo: { $reason }.
closure-banner = Cerrado el { $when }. Motivo: { $reason }.
closure-reopen = Reabrir el caso
closure-close-summary = Cerrar este caso
closure-close-hint = Un caso cerrado sale del tablero, del panel, de los recordatorios y del calendario, y sus escalamientos abiertos quedan suspendidos hasta que se reabra. Sigue en la lista de casos, en «Cerrados».
closure-reason = Motivo del cierre
closure-note = Nota (obligatoria si el motivo es «Otro»)
closure-close-submit = Cerrar el caso
closure-error-reason = Elija por qué se cierra el caso.
closure-conflict = Otra persona modificó este caso después de que usted lo abrió, por eso no se cerró ni se reabrió. La página muestra ahora el caso actualizado; lo que escribió sigue en el formulario. Revise el caso y vuelva a intentarlo.
closure-reason-other-status = La familia obtuvo otro estatus
closure-reason-moved = La familia se mudó
closure-reason-withdrew = La familia desistió
closure-reason-no-longer-represented = Ya no se la representa
closure-reason-deceased = El paciente falleció
closure-reason-other = Otro
badge-closed = cerrado
filter-closed = Abiertos o cerrados
filter-closed-open = Casos abiertos
filter-closed-closed = Casos cerrados
filter-closed-all = Todos los casos
## Notas del caso y contactos
evidence-heading = Documentos y pruebas
evidence-none = Todavía no hay documentos.
evidence-add = Añadir un documento
evidence-kind = Tipo de documento
evidence-title = Título
evidence-dated = Fecha del documento
evidence-event = Corresponde al evento
evidence-person = Sobre
evidence-file = Archivo
evidence-file-hint = PDF, JPEG, PNG, HEIC, Word (DOCX) o texto sin formato, hasta { $max } MiB. Los archivos se guardan cifrados.
evidence-submit = Subir
evidence-view = Ver
evidence-download = Descargar
evidence-about-event = evento { $id }
attachment-choose-kind = Elija…
attachment-no-event = Ningún evento
attachment-no-person = Todo el caso
attachment-dated = con fecha { $date }
attachment-about = { $type }, { $kib } KB
attachment-kind-notice = Notificaciones
attachment-kind-i94 = Registros I-94
attachment-kind-medical_letter = Cartas médicas
attachment-kind-identity = Documentos de identidad
attachment-kind-evidence = Pruebas
attachment-kind-filing = Solicitudes presentadas
attachment-kind-correspondence = Correspondencia
attachment-kind-other = Otros documentos
timeline-attachments = Documentos:
notes-heading = Notas y actividad
notes-none = Todavía no hay notas.
notes-type = Tipo
notes-event = Sobre el evento
notes-no-event = Todo el caso
notes-text = Nota
notes-text-hint = Hasta 4000 caracteres. Las notas se guardan cifradas y nunca cambian las fechas del caso.
notes-submit = Añadir nota
notes-pinned = Fijada
notes-pin = Fijar arriba
notes-unpin = Dejar de fijar
notes-byline = { $name }, { $when }
notes-byline-unknown = Importada, { $when }
notes-about-event = sobre el evento { $id }
note-type-note = Nota
note-type-call = Llamada
note-type-meeting = Reunión
note-type-email = Correo electrónico
note-type-message = Mensaje
contacts-heading = Contactos
contacts-family = La familia
contacts-professionals = Personas que trabajan en el caso
contacts-none = Todavía no hay contactos.
contacts-col-role = Función
contacts-edit = Editar contactos
contacts-submit = Guardar contactos
contacts-conflict = Alguien cambió este caso mientras usted editaba sus contactos. Lo que escribió se conserva abajo; revise el caso y guarde de nuevo.
contacts-field-phone = Teléfono
contacts-field-email = Correo electrónico
contacts-field-messaging-app = Aplicación de mensajería (aplicación y número o usuario)
contacts-field-postal-address = Dirección postal
contacts-field-preferred-method = Forma preferida de contacto
contacts-field-preferred-language = Idioma preferido (código, p. ej. es o es-MX)
contacts-field-interpreter-needed = Necesita intérprete
contacts-field-name = Nombre
contacts-field-organisation = Organización
contacts-method-none = Sin indicar
contacts-method-phone = Llamada telefónica
contacts-method-email = Correo electrónico
contacts-method-message = Aplicación de mensajería
contacts-method-mail = Correo postal
contacts-method-in-person = En persona
contact-role-social-worker = Trabajador(a) social del hospital
contact-role-physician = Médico(a) tratante
contact-role-facility = Centro de atención
contact-role-consulate = Consulado
contact-role-congressional-caseworker = Gestor(a) de la oficina del congresista
contact-role-pro-bono-counsel = Abogado(a) pro bono
problem-file-empty = El archivo está vacío.
problem-file-too-large = El archivo supera los { $max } MiB que se aceptan.
problem-file-type-not-accepted = No se acepta este tipo de archivo: suba un PDF, una imagen JPEG, PNG o HEIC, un documento de Word (DOCX) o texto sin formato.
problem-no-such-event = Este caso no tiene ningún evento con el identificador «{ $id }».
problem-duplicate-note-id = El número de nota { $id } aparece dos veces.
problem-not-an-email = «{ $value }» no es una dirección de correo electrónico (por ejemplo nombre@example.org).
problem-not-a-phone-number = «{ $value }» no es un número de teléfono: de 7 a 15 dígitos, con +, espacios, puntos, guiones o paréntesis si hace falta.
timeline-case-note = Nota { $id }
## Editing a case after intake, its history, and voided events
edit-heading = Cambiar el caso
edit-open = Cambiar los datos del caso, sus personas o su perfil médico
edit-open-medical = Actualizar el perfil médico
edit-case-summary = Referencia y programa
edit-medical-summary = Perfil médico
edit-person-summary = { $name }: cambiar datos
edit-person-remove = Quitar a { $name } del caso
edit-person-key = Clave corta (letras, dígitos, - o _; los eventos nombran a la persona con ella)
edit-add-person = Añadir un familiar
edit-save = Guardar el cambio
history-heading = Historial de cambios
history-empty = Ningún cambio desde la admisión.
history-by = por { $name }, { $when }
history-change = { $field }: { $before } → { $after }
history-case-updated = Caso cambiado
history-person-added = { $name } añadido
history-person-updated = { $name } cambiado
history-person-removed = { $name } quitado
history-by-command-line = la línea de comandos
history-field-key = Clave
history-field-given-name = Nombre
history-field-family-name = Apellido
history-field-role = Papel
history-field-birth-date = Fecha de nacimiento
history-field-a-number = Número A
history-field-citizenship = Ciudadanía
history-field-preferred-language = Idioma preferido
history-field-medical-person = Perfil médico: persona
history-field-medical-condition = Afección
history-field-medical-regimen = Tratamiento
history-field-medical-hours-per-day = Horas al día
history-field-medical-facility = Centro de tratamiento
history-field-medical-available-in-origin-country = Atención disponible en el país de origen
history-field-medical-days-to-critical-harm = Días hasta un daño crítico si se interrumpe la atención
history-field-medical-attested-on = Última certificación
timeline-void = anulado, ya no cuenta
timeline-voided = Anulado: { $reason }
timeline-voided-by = Anulado por { $name }, { $when }: { $reason }
void-summary = Anular el evento { $id }
void-reason = Por qué se anula (por ejemplo: registrado en el caso equivocado)
void-submit = Anular este evento
problem-reference-taken = Otro caso ya tiene la referencia «{ $reference }».
problem-patient-not-removable = No se puede quitar al paciente del caso; cambie sus datos.
problem-person-still-named = «{ $key }» aparece en el evento «{ $id }» de la cronología; anule o corrija ese evento primero.
problem-person-still-named-medical = «{ $key }» es la persona del perfil médico; cambie el perfil primero.
problem-already-voided = El evento «{ $id }» ya está anulado.
problem-event-linked = El evento «{ $by }» corrige o responde al evento «{ $id }»; anule «{ $by }» primero.
audit-action-case-edited = Caso cambiado después de la admisión
audit-action-case-history-read = Historial del caso leído
audit-action-event-voided = Evento anulado
# Funciones según el trabajo: la certificación médica del personal clínico, y un formulario guardado al volver a iniciar sesión
attestation-form-title = Registrar una certificación médica
attestation-form-hint = Confirme los datos médicos a la fecha en que los revisó: cuántos días faltan para un daño crítico si se interrumpe la atención, y una nota. La cronología legal la lleva el equipo legal.
attestation-form-submit = Registrar la certificación
event-form-attestation-only = Su función solo registra certificaciones médicas.
login-form-kept = Su sesión terminó, así que su formulario no se envió. Inicie sesión para volver a su formulario: lo que escribió se guarda durante 30 minutos.
form-kept-notice = Su sesión terminó antes de enviar este formulario. Está completado con lo que escribió: revíselo y envíelo de nuevo.
filters-summary = Filtros y orden
filters-active = con filtros
task-actions = Actuar sobre esta tarea
## Administración del personal, el perfil de la organización y el cambio de la propia contraseña
staff-manage-link = Invitar, desactivar y restablecer contraseñas
profile-link = El perfil y la zona horaria de la organización
staff-title = Personal
staff-back-to-settings = Volver a la configuración
staff-back = Volver al personal
staff-error-summary = No se cambió nada:
staff-link-once = Copie este enlace ahora y déselo a la persona: solo se muestra una vez.
staff-link-label = Enlace
staff-link-expires = Sirve una vez, hasta el { $when }.
staff-invite-heading = Invitar a una persona
staff-invite-hint = Recibe un enlace de un solo uso para elegir su nombre y contraseña; luego queda con la sesión iniciada.
staff-invite-submit = Crear la invitación
staff-invited = Invitación para { $email }
staff-members-heading = Miembros
staff-col-state = Estado
staff-col-actions = Acciones
staff-state-active = Activo
staff-state-deactivated = Desactivado el { $when }
staff-reactivate = Reactivar
staff-reset = Enlace para restablecer la contraseña
staff-deactivate = Desactivar
staff-open-tasks = Tareas abiertas
staff-reset-link = Enlace para restablecer la contraseña de { $name }
staff-deactivated = { $name } está desactivado: sus sesiones terminaron y sus calendarios fueron revocados. Asigne sus tareas abiertas a otra persona.
staff-reactivated = El miembro puede volver a iniciar sesión.
staff-error-email-required = Correo electrónico: escriba la dirección de la persona a invitar.
staff-error-email-taken = Correo electrónico: { $email } ya pertenece a un miembro.
staff-error-email-format = Correo electrónico: «{ $email }» no es una dirección de correo (como nombre@example.org).
staff-error-self = No puede desactivarse a sí mismo; pídaselo a otro administrador.
staff-error-last-admin = Es el último administrador activo de la organización; primero nombre administrador a otra persona.
staff-tasks-title = Tareas abiertas de { $name }
staff-tasks-none = No hay tareas abiertas.
staff-tasks-hint = Asigne cada tarea a alguien que pueda trabajar su caso.
staff-tasks-hint-deactivated = Este miembro está desactivado: asigne cada tarea a alguien que pueda trabajar su caso.
profile-title = El perfil de la organización
profile-saved = Se guardó el perfil.
profile-error-summary = No se guardó el perfil:
profile-name = Nombre
profile-address = Dirección postal
profile-phone = Teléfono
profile-email = Correo electrónico
profile-letter-signature = Firma de las cartas
profile-letter-signature-hint = El cierre de las cartas a las familias, como el nombre del equipo.
profile-time-zone = Zona horaria
profile-time-zone-hint = Un nombre IANA como America/Los_Angeles o America/New_York. Las horas se muestran en ella y «hoy» es su día; ahora son las { $now }.
profile-error-time-zone = no es el nombre de una zona horaria; use un nombre IANA como America/Los_Angeles.
profile-error-email = no es una dirección de correo (como oficina@example.org).
profile-save = Guardar el perfil
password-change-link = Cambiar su contraseña
password-change-title = Cambiar su contraseña
password-change-intro = Al menos { $min } caracteres; una frase de varias palabras es lo más fácil de recordar.
password-change-current = Contraseña actual
password-change-submit = Cambiar la contraseña
password-change-done = Se cambió su contraseña; sus otras sesiones terminaron.
password-change-error-summary = No se cambió la contraseña:
password-change-wrong-current = Contraseña actual: esta no es su contraseña actual.
invite-title = Únase a su equipo
invite-intro = Está invitado como { $email }, con el rol { $role }. Elija el nombre que verá su equipo y una contraseña.
invite-name = Su nombre
invite-submit = Unirse e iniciar sesión
invite-error-summary = Todavía no:
invite-error-name = Nombre: escriba el nombre con el que le conoce su equipo (hasta { $max } caracteres).
invite-invalid-heading = Esta invitación no se puede usar
invite-invalid = Este enlace de invitación no es válido (usado, vencido o mal escrito). Pida uno nuevo a un administrador.
letter-org-phone = Teléfono: { $value }
letter-org-email = Correo electrónico: { $value }
tokens-link = Tokens de la API
tokens-title = Tokens de la API
tokens-intro = Un token permite que un programa use la API JSON en su nombre, con su rol, enviándolo como "Authorization: Bearer" seguido del token. Un token de lectura solo lee. Cada uso queda registrado en la auditoría.
tokens-created = Su nuevo token está abajo. Cópielo ahora: solo se muestra esta vez.
tokens-name = Nombre
tokens-scope = Alcance
tokens-scope-read = Solo lectura
tokens-scope-write = Lectura y escritura
tokens-expires = Vence
tokens-days = { $days ->
    [3650] En diez años
   *[other] En { $days } días
}
tokens-never = Nunca (hasta revocarlo)
tokens-unused = Todavía no
tokens-create = Crear un token
tokens-mine = Sus tokens
tokens-organisation = Otros tokens de la organización
tokens-none = No tiene tokens.
tokens-person = Actúa como
tokens-made = Creado
tokens-last-used = Último uso
tokens-state = Estado
tokens-state-live = Vigente
tokens-state-expired = Vencido
tokens-state-revoked = Revocado
tokens-revoke = Revocar
tokens-error-scope = Alcance: elija solo lectura, o lectura y escritura.
tokens-error-expires = Vence: elija uno de los plazos ofrecidos.
tokens-error-name = Nombre: dé al token un nombre de hasta { $max } caracteres, como para qué sirve.
audit-action-api-token-created = Token de la API creado
audit-action-api-token-used = Token de la API usado
audit-action-api-token-refused = Token de la API rechazado
audit-action-api-token-revoked = Token de la API revocado

## Leer un aviso (cases::notice_reading)
notice-read-link = Leer un aviso
notice-read-title = Leer un aviso del caso { $reference }
notice-read-intro = Pegue el texto del aviso o elija uno de los avisos o PDF del caso. Amparo propone el evento que informa, cada valor junto a las palabras de donde salió; no se registra nada hasta que usted mismo registre el evento.
notice-read-text = El texto del aviso
notice-read-text-hint = Pegue el aviso entero, un correo o una carta, tal como está.
notice-read-file = O uno de los avisos y PDF del caso
notice-read-no-file = Ninguno: pegué el texto
notice-read-submit = Leer el aviso
notice-read-nothing = Pegue el texto del aviso o elija uno de los avisos o PDF del caso.
notice-read-both = Pegue el texto o elija un archivo, no ambos: borre el texto para leer el archivo.
notice-read-too-long = El texto tiene más de { $max } caracteres: pegue solo el aviso.
notice-read-no-such-file = Ese archivo no es uno de los avisos o PDF de este caso.
notice-read-no-ocr = Este archivo es una imagen escaneada y Tesseract, que lee los escaneos, no está instalado en el servidor: escriba el texto del aviso en el cuadro.
notice-read-no-text = Este PDF no tiene texto ni páginas escaneadas que se puedan leer: escriba el texto del aviso en el cuadro.
notice-read-unreadable = Este archivo no se puede leer como aviso: escriba el texto del aviso en el cuadro.
notice-read-proposal-title = Evento propuesto para el caso { $reference }
notice-read-not-recorded = No se ha registrado nada. Compare cada valor con el aviso y luego registre el evento.
notice-read-from-text = Leído del texto que pegó.
notice-read-from-pdf = Leído del texto del PDF.
notice-read-from-ocr = Leído de una imagen escaneada con Tesseract: compare cada valor con el papel.
notice-read-missing-count = { $count ->
    [one] No se encontró un valor en el aviso: queda vacío.
   *[other] No se encontraron { $count } valores en el aviso: quedan vacíos.
}
notice-read-values = Lo que dice el aviso
notice-read-col-field = Campo
notice-read-col-value = Valor propuesto
notice-read-col-source = Las palabras del aviso
notice-read-event-type = Evento
notice-read-notice-date = Fecha del aviso
notice-read-received-date = Fecha de recepción
notice-read-i94 = Número de I-94
notice-read-missing = Falta
notice-read-not-found = No está en el aviso
notice-read-people = Personas que nombra el aviso
notice-read-no-people = El aviso no nombra a nadie que el lector reconozca.
notice-read-matched-a-number = { $name } en este caso (por número A)
notice-read-matched-name = { $name } en este caso (por nombre)
notice-read-unmatched = no corresponde a nadie de este caso
notice-read-no-event = No se pudo saber qué tipo de aviso es, así que no se propone ningún evento.
notice-read-by-hand = Registrar el evento a mano
notice-read-record-hint = El formulario del evento se abre con estos valores. Compruébelos allí y luego registre el evento.
notice-read-record = Registrar este evento
notice-read-again = Leer otro aviso
notice-read-prefilled = Rellenado con un aviso que leyó: compare cada valor con el aviso y luego registre el evento.
webhooks-link = Webhooks
webhooks-title = Webhooks
webhooks-intro = Un webhook avisa a otro sistema, con una solicitud HTTPS firmada, cuando algo ocurre aquí. Cada solicitud lleva solo identificadores, nunca nombres ni números A; verifique su cabecera Amparo-Signature con el secreto del destino.
webhooks-created = El secreto del destino está abajo. Cópielo ahora: se muestra solo esta vez.
webhooks-url = Dirección
webhooks-events = Eventos
webhooks-add = Añadir el destino
webhooks-endpoints = Destinos
webhooks-none = Aún no hay destinos.
webhooks-made = Añadido
webhooks-actions = Acciones
webhooks-remove = Quitar
webhooks-status = Estado del destino
webhooks-active = Activo
webhooks-paused = En pausa
webhooks-pause = Pausar
webhooks-resume = Reanudar
webhooks-history = Entregas
webhooks-no-deliveries = Aún no se ha entregado nada.
webhooks-event = Evento
webhooks-state = Estado
webhooks-attempts = Intentos
webhooks-queued = En cola
webhooks-next = Próximo intento
webhooks-last-answer = Última respuesta
webhooks-back = Volver a los webhooks
webhooks-state-pending = En espera
webhooks-state-delivered = Entregado
webhooks-state-failed = Fallido
webhooks-event-case-created = Se abre un caso
webhooks-event-event-recorded = Se registra un evento
webhooks-event-escalation-opened = Se abre una escalación
webhooks-event-escalation-closed = Se cierra una escalación
webhooks-event-task-overdue = Una tarea está vencida
webhooks-event-deadline-reminder = Llega un recordatorio de plazo
audit-action-webhook-created = Webhook añadido
audit-action-webhook-paused = Webhook pausado
audit-action-webhook-resumed = Webhook reanudado
audit-action-webhook-removed = Webhook quitado
tokens-organisation-heading = Tokens de la organización
tokens-organisation-intro = Un token de la organización es para una integración: actúa como una cuenta de servicio de la organización, con nombre y con el rol que usted elija, no como usted. La cuenta de servicio se crea la primera vez que se usa su nombre y conserva su rol.
tokens-service = Cuenta de servicio
tokens-role = Rol
tokens-create-organisation = Crear un token de la organización
tokens-error-role = Rol: elija uno de los roles ofrecidos.
audit-action-service-account-created = Cuenta de servicio creada
audit-action-deadlines-read = Plazos leídos por la API

## Documentos generados del caso (cases::documents)
case-documents-heading = Documentos
case-documents-hint = Las cartas y el paquete de solicitud, hechos a partir de este expediente.
case-documents-link = Abrir los documentos
documents-title = Documentos de { $reference }
documents-english-note = La carta de necesidad médica y la carta de presentación se presentan ante USCIS, que exige el inglés: se redactan solo en inglés. La carta a la familia se redacta en el idioma de la familia.
documents-list = Documentos generados
documents-none = Todavía no se ha generado ningún documento para este caso.
documents-make = Generar un documento
documents-medical-hint = Un borrador para que el profesional clínico tratante lo revise y lo certifique.
documents-make-medical = Generar el borrador de la carta médica
documents-attest-link = Revisar y certificar la carta médica
documents-filing = Solicitud de nuevo parole: carta de presentación y paquete
documents-exhibits = Anexos
documents-exhibits-hint = Marque los archivos que se presentan como anexos. Numérelos para fijar su orden; los que no tengan número siguen en el orden de la lista.
documents-no-files = Este caso aún no tiene archivos: añádalos en Pruebas, en la página del caso.
documents-position = Orden
documents-make-cover = Generar la carta de presentación
documents-make-packet = Generar el paquete
documents-family-language = Idioma de la carta
documents-make-family = Generar la carta a la familia
document-family-own-language = El idioma de la familia
document-kind-medical-letter = Carta de necesidad médica
document-kind-cover-letter = Carta de presentación (formulario I-131)
document-kind-packet = Paquete de nuevo parole
document-kind-family-letter = Carta a la familia
document-language = Redactada en { $language }
document-language-name-en = inglés
document-language-name-es = español
document-language-name-ht = criollo haitiano
document-language-name-uk = ucraniano
document-language-name-ru = ruso
document-language-name-prs = darí
document-language-name-ps = pastún
document-language-name-pt = portugués
document-language-name-fr = francés
document-made = Generado { $when } por { $by }
document-by-operator = el operador (línea de órdenes)
document-template = Plantilla { $version }
document-first = El primero de su tipo en este caso.
document-unchanged = Nada ha cambiado desde el anterior.
document-changed = Cambios desde el anterior: { $facts }
document-change-added = { $fact } (añadido)
document-change-changed = { $fact } (cambiado)
document-change-removed = { $fact } (quitado)
document-attested = Certificada
document-download-pdf = Descargar PDF
document-download-docx = Descargar DOCX
document-generated = Generado: { $kind }.
document-attest-changed = El caso cambió mientras lo revisaba. Vuelva a leer la carta abajo; ahora muestra el expediente actual.
attest-title = Carta médica de { $reference }: revisar y certificar
attest-back = Volver a los documentos
attest-intro = Lea la carta tal como Amparo la redactó a partir de los datos médicos del caso. Si es cierta según su conocimiento, certifíquela abajo: la carta firmada se guarda con las pruebas del caso. Si un dato está mal, corrija primero el perfil médico.
attest-draft = El borrador de la carta
attest-heading = Su certificación
attest-name = Su nombre completo
attest-credentials = Credenciales
attest-credentials-hint = Por ejemplo: MD, nefrología pediátrica; número de licencia si lo desea.
attest-date = Fecha de la certificación
attest-statement = Declaración
attest-statement-hint = Con sus palabras: que ha revisado la carta y que es cierta según su conocimiento.
attest-submit = Certificar la carta
