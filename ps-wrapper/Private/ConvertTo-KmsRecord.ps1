function ConvertTo-KmsRecord {
    <#
    .SYNOPSIS
    A kmsdb record (schemas/record.schema.json) as a KmsEnrollment.Record object.

    .DESCRIPTION
    Numbers are cast explicitly because the two editions' ConvertFrom-Json
    disagree: Windows PowerShell 5.1 makes them Int32 and PowerShell 7 Int64,
    so a script tested on one would compare or format differently on the
    other. State, NumSCerts and PreviousState are [int], as the profile API
    reads them (a signed 32-bit integer); Size is [long], as FileInfo.Length
    is. Null stays null: a missing State is not State 0.
    #>
    [CmdletBinding()]
    [OutputType('KmsEnrollment.Record')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [psobject] $Record
    )
    begin {
        $computer = Get-KmsComputerName
    }
    process {
        # One string, so that Export-Csv writes the warnings and not "System.Object[]"; each keeps its code, for Where-Object Warnings -match.
        $warnings = @(foreach ($w in @($Record.warnings)) { if ($null -ne $w) { '{0}: {1}' -f $w.code, $w.message } }) -join '; '
        # PowerShell 7 has made the time a UTC DateTime already; a call per record costs more than the rest of the record.
        $utc = $Record.lastWriteTime
        if ($utc -isnot [datetime] -or $utc.Kind -ne [System.DateTimeKind]::Utc) { $utc = ConvertTo-KmsDate $utc }
        $local = $null
        if ($null -ne $utc) { $local = $utc.ToLocalTime() }
        # Inline rather than a helper per value: a function call per value costs seconds over 100,000 records.
        $state = $Record.state; if ($null -ne $state) { $state = [int]$state }
        $numSCerts = $Record.numSCerts; if ($null -ne $numSCerts) { $numSCerts = [int]$numSCerts }
        $size = $Record.size; if ($null -ne $size) { $size = [long]$size }
        [PSCustomObject]@{
            PSTypeName       = 'KmsEnrollment.Record'
            Id               = $Record.id
            Mailbox          = $Record.mailbox
            Alias            = $Record.alias
            State            = $state
            StateName        = $Record.stateName
            NumSCerts        = $numSCerts
            Affected         = $Record.affected
            Path             = $Record.path
            Sha256           = $Record.sha256
            Warnings         = $warnings
            MailboxKey       = $Record.mailboxKey
            Encoding         = $Record.encoding
            LineEnding       = $Record.lineEnding
            Size             = $size
            LastWriteTime    = $local
            LastWriteTimeUtc = $utc
            ComputerName     = $computer
        }
    }
}

