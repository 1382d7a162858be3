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
