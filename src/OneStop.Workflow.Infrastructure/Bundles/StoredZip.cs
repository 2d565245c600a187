using System.Buffers.Binary;
using System.Text;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The bundle's container: a ZIP whose files are stored uncompressed, written in one canonical layout
/// (no extra fields, no comments, no data descriptors, every timestamp the bundle's issue time).</summary>
/// <remarks>Why not System.IO.Compression: the verifier rebuilds the canonical container from the entries it read and
/// compares byte for byte, so a change to any header byte (a timestamp, a flag, an attribute) fails verification,
/// not only a change to a file. That needs a layout we control. Storing rather than deflating costs little (PDFs
/// compress their own streams) and means a verifier never inflates anything: no zip bomb can reach it.</remarks>
internal static class StoredZip
{
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndSignature = 0x06054b50;
    private const int LocalHeaderSize = 30;
    private const int CentralHeaderSize = 46;
    private const int EndSize = 22;
    private const ushort Version = 20; // 2.0: what the features used here need
    private const ushort Utf8Names = 0x0800;

    /// <summary>A region of the container, for naming where a byte differs.</summary>
    internal sealed record Region(long Start, long End, string Description);

    internal sealed record Entry(string Name, int DataOffset, int Length, uint DosDateTime);

    public static byte[] Write(IReadOnlyList<(string Name, byte[] Data)> entries, DateTime timestamp) =>
        Write(entries, DosDateTime(timestamp), out _);

    public static byte[] Write(IReadOnlyList<(string Name, byte[] Data)> entries, uint dosDateTime, out List<Region> regions)
    {
        regions = [];
        using var output = new MemoryStream();
        var central = new List<byte[]>();
        foreach (var (name, data) in entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var flags = Ascii(name) ? (ushort)0 : Utf8Names;
            var crc = Crc32.Compute(data);
            var offset = output.Position;

            var local = new byte[LocalHeaderSize + nameBytes.Length];
            var span = local.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(span, LocalHeaderSignature);
            BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], flags);
            BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 0); // stored
            BinaryPrimitives.WriteUInt32LittleEndian(span[10..], dosDateTime);
            BinaryPrimitives.WriteUInt32LittleEndian(span[14..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(span[18..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[22..], (uint)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)nameBytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(span[28..], 0);
            nameBytes.CopyTo(span[LocalHeaderSize..]);
            output.Write(local);
            regions.Add(new Region(offset, output.Position, $"the local header of '{name}'"));
            var dataStart = output.Position;
            output.Write(data);
            regions.Add(new Region(dataStart, output.Position, $"the data of '{name}'"));

            var header = new byte[CentralHeaderSize + nameBytes.Length];
            span = header.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(span, CentralHeaderSignature);
            BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version); // made by: MS-DOS/FAT attributes, version 2.0
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(span[8..], flags);
            BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], dosDateTime);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)nameBytes.Length);
            // extra length, comment length, disk number, internal and external attributes: all zero
            BinaryPrimitives.WriteUInt32LittleEndian(span[42..], (uint)offset);
            nameBytes.CopyTo(span[CentralHeaderSize..]);
            central.Add(header);
        }

        var centralStart = output.Position;
        for (var i = 0; i < central.Count; i++)
        {
            var start = output.Position;
            output.Write(central[i]);
            regions.Add(new Region(start, output.Position, $"the central directory entry of '{entries[i].Name}'"));
        }
        var end = new byte[EndSize];
        BinaryPrimitives.WriteUInt32LittleEndian(end, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)entries.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)(output.Position - centralStart));
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)centralStart);
        var endStart = output.Position;
        output.Write(end);
        regions.Add(new Region(endStart, output.Position, "the end of central directory record"));
        return output.ToArray();
    }

    /// <summary>Reads a ZIP's entries without inflating anything. Every problem is added (naming the entry); returns
    /// <c>null</c> when the container is too damaged or too large to read further.</summary>
    public static List<Entry>? Read(byte[] zip, BundleLimits limits, List<string> problems)
    {
        if (zip.Length < EndSize || BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(zip.Length - EndSize)) != EndSignature)
        {
            problems.Add("ZIP container: no end of central directory record at the end of the file (not a ZIP, truncated, trailing bytes or an archive comment).");
            return null;
        }
        var end = zip.AsSpan(zip.Length - EndSize);
        var diskNumber = BinaryPrimitives.ReadUInt16LittleEndian(end[4..]);
        var centralDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[6..]);
        var entriesOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[8..]);
        var entryCount = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        var centralSize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        var centralOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        if (entryCount == 0xFFFF || centralSize == 0xFFFFFFFF || centralOffset == 0xFFFFFFFF)
        {
            problems.Add("ZIP container: ZIP64 is not used by outcome bundles; refused.");
            return null;
        }
        if (diskNumber != 0 || centralDisk != 0 || entriesOnDisk != entryCount)
        {
            problems.Add("ZIP container: a multi-part (spanned) archive; refused.");
            return null;
        }
        if (entryCount > limits.MaxEntries)
        {
            problems.Add($"ZIP container: {entryCount} entries, more than the limit of {limits.MaxEntries}; refused.");
            return null;
        }
        var endOffset = zip.Length - EndSize;
        if (centralOffset > endOffset || centralSize > endOffset - centralOffset)
        {
            problems.Add("ZIP container: the central directory lies outside the file.");
            return null;
        }

        var entries = new List<Entry>(entryCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var position = (int)centralOffset;
        var centralEnd = (int)(centralOffset + centralSize);
        for (var i = 0; i < entryCount; i++)
        {
            if (position > centralEnd - CentralHeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position)) != CentralHeaderSignature)
            {
                problems.Add($"ZIP container: central directory entry {i + 1} of {entryCount} is damaged (byte {position}).");
                return null;
            }
            var header = zip.AsSpan(position, CentralHeaderSize);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            var dosDateTime = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            var compressedSize = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            var localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
            var next = position + CentralHeaderSize + nameLength + extraLength + commentLength;
            if (next > centralEnd)
            {
                problems.Add($"ZIP container: central directory entry {i + 1} of {entryCount} runs past the directory.");
                return null;
            }
            var rawName = zip.AsSpan(position + CentralHeaderSize, nameLength);
            position = next;

            var name = DecodeName(rawName, flags, out var nameProblem);
            if (nameProblem is not null)
            {
                problems.Add($"'{name}': {nameProblem}; refused.");
                continue;
            }
            if (BundleLayout.PathProblem(name) is { } unsafePath)
            {
                problems.Add($"'{name}': unsafe entry name, {unsafePath}; refused.");
                continue;
            }
            if (!names.Add(name))
            {
                problems.Add($"'{name}': appears twice in the ZIP; a reader could see either copy.");
                continue;
            }
            if ((flags & 0x0001) != 0)
            {
                problems.Add($"'{name}': encrypted; bundle files are never encrypted.");
                continue;
            }
            if (method != 0)
            {
                problems.Add($"'{name}': compressed (method {method}); bundle files are stored uncompressed, so it is not inflated (zip-bomb guard).");
                continue;
            }
            if (compressedSize != size)
            {
                problems.Add($"'{name}': stored, but its compressed size ({compressedSize}) differs from its size ({size}).");
                continue;
            }
            if (centralOffset < LocalHeaderSize || localOffset > centralOffset - LocalHeaderSize ||
                BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan((int)localOffset)) != LocalHeaderSignature)
            {
                problems.Add($"'{name}': its local header is missing or damaged (byte {localOffset}).");
                continue;
            }
            var local = zip.AsSpan((int)localOffset, LocalHeaderSize);
            var localNameLength = BinaryPrimitives.ReadUInt16LittleEndian(local[26..]);
            var localExtraLength = BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
            var dataOffset = (long)localOffset + LocalHeaderSize + localNameLength + localExtraLength;
            if (dataOffset + size > centralOffset)
            {
                problems.Add($"'{name}': its data runs into the central directory.");
                continue;
            }
            if (!zip.AsSpan((int)localOffset + LocalHeaderSize, localNameLength).SequenceEqual(rawName))
            {
                problems.Add($"'{name}': the local header names a different file than the central directory.");
                continue;
            }
            var data = zip.AsSpan((int)dataOffset, (int)size);
            if (Crc32.Compute(data) != crc)
                problems.Add($"'{name}': the CRC-32 in the ZIP headers does not match its content (the file was changed).");
            entries.Add(new Entry(name, (int)dataOffset, (int)size, dosDateTime));
        }
        return entries;
    }

    /// <summary>Where <paramref name="actual"/> first differs from the canonical container, or <c>null</c>.</summary>
    public static string? FirstDifference(byte[] actual, byte[] expected, List<Region> regions)
    {
        var common = Math.Min(actual.Length, expected.Length);
        var at = actual.AsSpan(0, common).CommonPrefixLength(expected.AsSpan(0, common));
        if (at == common && actual.Length == expected.Length)
            return null;
        var region = regions.FirstOrDefault(r => at >= r.Start && at < r.End)?.Description ?? "the end of the file";
        return actual.Length != expected.Length && at == common
            ? $"ZIP container: {actual.Length} bytes where the sealed layout has {expected.Length} (extra or missing bytes after {region})."
            : $"ZIP container: byte {at} differs from the sealed layout, in {region}.";
    }

    /// <summary>MS-DOS date and time of a clock time (2-second resolution; 1980 is the earliest year).</summary>
    public static uint DosDateTime(DateTime clock)
    {
        if (clock.Year < 1980)
            clock = new DateTime(1980, 1, 1);
        var date = (uint)(((clock.Year - 1980) << 9) | (clock.Month << 5) | clock.Day);
        var time = (uint)((clock.Hour << 11) | (clock.Minute << 5) | (clock.Second / 2));
        return (date << 16) | time;
    }

    private static string DecodeName(ReadOnlySpan<byte> raw, ushort flags, out string? problem)
    {
        problem = null;
        if ((flags & Utf8Names) != 0)
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);
            }
            catch (DecoderFallbackException)
            {
                problem = "a name marked UTF-8 that is not valid UTF-8";
                return Encoding.Latin1.GetString(raw);
            }
        }
        if (raw.ContainsAnyExceptInRange((byte)0x00, (byte)0x7F))
        {
            problem = "a non-ASCII name without the UTF-8 flag (its meaning depends on the reader's code page)";
            return Encoding.Latin1.GetString(raw);
        }
        return Encoding.ASCII.GetString(raw);
    }

    private static bool Ascii(string text) => !text.AsSpan().ContainsAnyExceptInRange('\0', '\x7F');
}

/// <summary>CRC-32 (IEEE 802.3, reflected), as ZIP headers carry it.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
