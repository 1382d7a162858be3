function Get-KmsComputerName {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    return [Environment]::MachineName
}

function ConvertTo-KmsDate {
    [CmdletBinding()]
    param([object] $Value)
    # Windows PowerShell leaves ISO dates as strings; PowerShell 7 has already made them DateTime.
    if ($Value -is [string]) {
        return [datetime]::Parse($Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind)
    }
    return $Value
}

function ConvertTo-KmsRecord {
    <#
    .SYNOPSIS
    A kmsdb record (schemas/record.schema.json) as a KmsEnrollment.Record object.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.Record')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [psobject] $Record
    )
    process {
        $warnings = @(foreach ($w in @($Record.warnings)) {
                [PSCustomObject]@{ PSTypeName = 'KmsEnrollment.RecordWarning'; Code = $w.code; Message = $w.message }
            })
        [PSCustomObject]@{
            PSTypeName    = 'KmsEnrollment.Record'
            Id            = $Record.id
            Mailbox       = $Record.mailbox
            State         = $Record.state
            StateName     = $Record.stateName
            NumSCerts     = $Record.numSCerts
            Affected      = $Record.affected
            Path          = $Record.path
            Sha256        = $Record.sha256
            Warnings      = $warnings
            MailboxKey    = $Record.mailboxKey
            Encoding      = $Record.encoding
            LineEnding    = $Record.lineEnding
            Size          = $Record.size
            LastWriteTime = ConvertTo-KmsDate $Record.lastWriteTime
            ComputerName  = Get-KmsComputerName
        }
    }
}

function ConvertTo-KmsResetResult {
    <#
    .SYNOPSIS
    A kmsdb reset result (schemas/reset-result.schema.json) as a KmsEnrollment.ResetResult object.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.ResetResult')]
    param(
        [Parameter(Mandatory)]
        [psobject] $Result,

        [AllowNull()]
        [string] $Mailbox
    )
    $status = (Get-Culture).TextInfo.ToTitleCase([string]$Result.status)
    if ($status -eq 'Whatif') { $status = 'WhatIf' }
    $name = $Result.mailbox
    if (-not $name) { $name = $Mailbox }
    [PSCustomObject]@{
        PSTypeName    = 'KmsEnrollment.ResetResult'
        Id            = $Result.id
        Mailbox       = $name
        Status        = $status
        PreviousState = $Result.previousState
        State         = $Result.state
        BackupPath    = $Result.backupPath
        Message       = $Result.message
        Path          = $Result.path
        Sha256Before  = $Result.sha256Before
        Sha256After   = $Result.sha256After
        ComputerName  = Get-KmsComputerName
    }
}

function New-KmsRefusal {
    <#
    .SYNOPSIS
    The ErrorRecord for a record kmsdb refused: a stable ErrorId and a specific category per refusal code.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)]
        [psobject] $Result,

        [AllowNull()]
        [object] $TargetObject
    )
    $map = @{
        'has-certificates'    = @('KmsRecordHasCertificates', 'InvalidOperation')
        'unexpected-state'    = @('KmsRecordNotAffected', 'InvalidOperation')
        'no-state'            = @('KmsRecordNotAffected', 'InvalidData')
        'unusual-state-value' = @('KmsRecordUnusualState', 'InvalidData')
        'ambiguous'           = @('KmsRecordAmbiguous', 'InvalidData')
        'empty'               = @('KmsRecordInvalidContent', 'InvalidData')
        'binary'              = @('KmsRecordInvalidContent', 'InvalidData')
        'unreadable'          = @('KmsRecordUnreadable', 'ReadError')
        'not-found'           = @('KmsRecordNotFound', 'ObjectNotFound')
        'not-a-record'        = @('KmsRecordNotARecord', 'InvalidArgument')
        'outside-database'    = @('KmsRecordOutsideDatabase', 'SecurityError')
        'changed-since-read'  = @('KmsRecordChanged', 'InvalidOperation')
        'read-only'           = @('KmsRecordReadOnly', 'PermissionDenied')
        'backup-failed'       = @('KmsBackupFailed', 'WriteError')
        'write-failed'        = @('KmsWriteFailed', 'WriteError')
    }
    $entry = $map[[string]$Result.code]
    if (-not $entry) { $entry = @('KmsRecordRefused', 'NotSpecified') }
    # kmsdb speaks of its own options; here the cmdlet's are the ones to name.
    $message = '{0}: {1}' -f $Result.path, ($Result.message -replace '--force', '-Force')
    $exception = New-Object System.InvalidOperationException ($message)
    $record = New-Object System.Management.Automation.ErrorRecord ($exception, $entry[0], $entry[1], $TargetObject)
    $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails ($message)
    $record.ErrorDetails.RecommendedAction = switch ($Result.code) {
        'has-certificates' { 'The user has enrolled. Use -Force only if the record must be reset anyway.' }
        'changed-since-read' { 'Read the record again with Get-KmsRecord, then retry.' }
        'ambiguous' { 'Inspect the file: State occurs more than once. Fix it by hand, with a backup.' }
        default { 'See about_KmsEnrollment for what each refusal means.' }
    }
    return $record
}
