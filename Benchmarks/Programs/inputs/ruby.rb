# The Ruby program of the Programs suite: allocation-heavy Ruby, deterministic output.
#
#   1. objects: short-lived Struct and class instances built into trees and lists, summed, dropped;
#   2. hashes: word-count and index hashes of string keys, grown, merged, rehashed and sorted;
#   3. strings and arrays: formatting, gsub, split/join, pack/unpack, array slicing and sorting.
#
# Nothing printed depends on addresses, clocks or the GC: hashes are sorted before printing and
# the only randomness is Random.new(seed). The last line counts the work in "units" (the
# benchmark's ops): one unit is one object, hash entry or string line made by the loops below.

$units = 0

Point = Struct.new(:x, :y, :label)

class TreeNode
  attr_reader :left, :right, :value

  def initialize(left, right, value)
    @left = left
    @right = right
    @value = value
  end

  def self.build(depth, value)
    $units += 1
    return new(nil, nil, value) if depth.zero?
    new(build(depth - 1, value * 2), build(depth - 1, value * 2 + 1), value)
  end

  def sum
    return @value if @left.nil?
    @value + @left.sum + @right.sum
  end
end

def objects(rounds)
  rng = Random.new(42)
  digest = 0
  long_lived = TreeNode.build(14, 1)
  rounds.times do |r|
    tree = TreeNode.build(8 + r % 5, r)
    points = Array.new(2000) do |i|
      Point.new(rng.rand(1000), rng.rand(1000), "p#{r}-#{i}")
    end
    $units += 2000
    near = points.select { |p| p.x < 500 && p.y < 500 }
    far = points.max_by { |p| [p.x * p.x + p.y * p.y, p.label] }
    digest = (digest * 31 + tree.sum + near.size + far.label.size) % 1_000_000_007
  end
  puts "objects: #{rounds} rounds, digest #{digest}, long-lived sum #{long_lived.sum}"
end

def hashes(docs)
  rng = Random.new(7)
  vocabulary = %w[alloc free arena span page slab chunk bin heap cache thread local size class
                  small large huge tiny pool block list queue]
  counts = Hash.new(0)
  index = {}
  docs.times do |d|
    words = Array.new(rng.rand(20..60)) { vocabulary[rng.rand(vocabulary.size)] + (rng.rand(4).zero? ? "s" : "") }
    doc = Hash.new(0)
    words.each_cons(2) do |a, b|
      key = "#{a}/#{b}"
      doc[key] += 1
      $units += 1
    end
    doc.each do |key, n|
      counts[key] += n
      (index[key] ||= []) << d if n > 1
    end
    if (d % 500).zero?
      rebuilt = Hash.new(0) # rebuild from scratch, heaviest first
      counts.sort_by { |k, v| [-v, k] }.each { |k, v| rebuilt[k] = v }
      counts = rebuilt
      index.each_value { |list| list.shift(list.size / 2) }
    end
  end
  top = counts.sort_by { |k, v| [-v, k] }.first(3)
  indexed = index.values.sum(&:size)
  puts "hashes: #{docs} documents, #{counts.size} pairs, top #{top.inspect}, indexed #{indexed}"
end

def strings(lines)
  rng = Random.new(1)
  digest = 0
  kept = []
  lines.times do |i|
    fields = Array.new(8) { |f| format("%s%04d", ("a".ord + (i + f) % 26).chr * (1 + f % 3), rng.rand(10_000)) }
    line = fields.join(",")
    swapped = line.gsub(/([a-z]+)(\d+)/) { "#{$2}#{$1.upcase}" }
    parts = swapped.split(",").map(&:reverse).sort
    packed = parts.map(&:size).pack("n*")
    digest = (digest * 131 + packed.unpack("n*").sum + parts.first.bytesize + swapped.count("A-Z")) % 1_000_000_007
    kept << swapped
    kept = kept.last(100).map(&:dup) if kept.size > 2000
    $units += 1
  end
  puts "strings: #{lines} lines, digest #{digest}, kept #{kept.size}"
end

objects(250)
hashes(14_000)
strings(60_000)
puts "units: #{$units}"
